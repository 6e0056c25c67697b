/**
 * The application menu. Its items only tell the renderer what was chosen (IPC_MENU); what
 * "save" or "find" means is the renderer's business, as in browser mode, where the same
 * actions come from keyboard shortcuts.
 */
import { BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import { IPC_MENU, type MenuAction } from '../../shared/bridge';
import type { Language } from '../../shared/models';

interface MenuLabels {
  file: string;
  save: string;
  cancel: string;
  newReading: string;
  find: string;
  quit: string;
  edit: string;
  undo: string;
  redo: string;
  cut: string;
  copy: string;
  paste: string;
  selectAll: string;
  view: string;
  language: string;
  zoomIn: string;
  zoomOut: string;
  resetZoom: string;
  devTools: string;
  window: string;
}

const LABELS: Record<Language, MenuLabels> = {
  de: {
    file: 'Datei',
    save: 'Speichern',
    cancel: 'Abbrechen',
    newReading: 'Neuer Zählerstand',
    find: 'Suchen',
    quit: 'Beenden',
    edit: 'Bearbeiten',
    undo: 'Rückgängig',
    redo: 'Wiederholen',
    cut: 'Ausschneiden',
    copy: 'Kopieren',
    paste: 'Einfügen',
    selectAll: 'Alles auswählen',
    view: 'Ansicht',
    language: 'Sprache',
    zoomIn: 'Vergrössern',
    zoomOut: 'Verkleinern',
    resetZoom: 'Originalgrösse',
    devTools: 'Entwicklerwerkzeuge',
    window: 'Fenster',
  },
  fr: {
    file: 'Fichier',
    save: 'Enregistrer',
    cancel: 'Annuler',
    newReading: 'Nouveau relevé',
    find: 'Rechercher',
    quit: 'Quitter',
    edit: 'Édition',
    undo: 'Annuler la saisie',
    redo: 'Rétablir',
    cut: 'Couper',
    copy: 'Copier',
    paste: 'Coller',
    selectAll: 'Tout sélectionner',
    view: 'Affichage',
    language: 'Langue',
    zoomIn: 'Agrandir',
    zoomOut: 'Réduire',
    resetZoom: 'Taille réelle',
    devTools: 'Outils de développement',
    window: 'Fenêtre',
  },
  en: {
    file: 'File',
    save: 'Save',
    cancel: 'Cancel',
    newReading: 'New reading',
    find: 'Find',
    quit: 'Quit',
    edit: 'Edit',
    undo: 'Undo',
    redo: 'Redo',
    cut: 'Cut',
    copy: 'Copy',
    paste: 'Paste',
    selectAll: 'Select all',
    view: 'View',
    language: 'Language',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    resetZoom: 'Actual size',
    devTools: 'Developer tools',
    window: 'Window',
  },
};

/** Each language under its own name, so that a clerk can find the way back. */
const LANGUAGE_NAMES: ReadonlyArray<[Language, string]> = [
  ['de', 'Deutsch'],
  ['fr', 'Français'],
  ['en', 'English'],
];

export interface MenuOptions {
  /** The language of the labels and the checked item under Sprache. */
  language: Language;
  /** Offer the developer tools (unpackaged builds only). */
  devTools: boolean;
}

function send(action: MenuAction): void {
  BrowserWindow.getFocusedWindow()?.webContents.send(IPC_MENU, action);
}

function template(options: MenuOptions): MenuItemConstructorOptions[] {
  const labels = LABELS[options.language];
  const mac = process.platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: labels.file,
    submenu: [
      { label: labels.save, accelerator: 'F2', click: () => send('save') },
      // Deliberately without an Escape accelerator: a menu accelerator would swallow the
      // key, and the page needs it to close dropdowns, leave a grid cell and cancel dialogs.
      { label: labels.cancel, click: () => send('cancel') },
      { type: 'separator' },
      { label: labels.newReading, accelerator: 'CmdOrCtrl+N', click: () => send('new-reading') },
      { label: labels.find, accelerator: 'CmdOrCtrl+F', click: () => send('find') },
      // On macOS, quitting belongs to the app menu.
      ...(mac
        ? []
        : [{ type: 'separator' } as const, { role: 'quit', label: labels.quit } as const]),
    ],
  };
  // Explicit roles rather than leaving the menu out: without them the standard editing
  // shortcuts (copy, paste, undo) do not reach text fields on macOS.
  const edit: MenuItemConstructorOptions = {
    label: labels.edit,
    submenu: [
      { role: 'undo', label: labels.undo },
      { role: 'redo', label: labels.redo },
      { type: 'separator' },
      { role: 'cut', label: labels.cut },
      { role: 'copy', label: labels.copy },
      { role: 'paste', label: labels.paste },
      { role: 'selectAll', label: labels.selectAll },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: labels.view,
    submenu: [
      {
        label: labels.language,
        submenu: LANGUAGE_NAMES.map(([language, name]) => ({
          label: name,
          type: 'radio',
          checked: language === options.language,
          click: () => {
            send(`language-${language}`);
            // Relabel once the click has been handled, not while the menu it came from is
            // still being torn down.
            setImmediate(() => installMenu({ ...options, language }));
          },
        })),
      },
      { type: 'separator' },
      { role: 'zoomIn', label: labels.zoomIn },
      { role: 'zoomOut', label: labels.zoomOut },
      { role: 'resetZoom', label: labels.resetZoom },
      ...(options.devTools
        ? [
            { type: 'separator' } as const,
            { role: 'toggleDevTools', label: labels.devTools } as const,
          ]
        : []),
    ],
  };
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    file,
    edit,
    view,
    ...(mac ? [{ role: 'windowMenu', label: labels.window } as const] : []),
  ];
}

export function installMenu(options: MenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(template(options)));
}
