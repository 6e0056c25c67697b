/**
 * Errors cross the API boundary as typed values, never as text to parse: the renderer
 * translates `code` with `params`, and shows it next to `field`.
 */

export type IssueCode =
  | 'required'
  | 'not-whole-number'
  | 'negative'
  | 'too-large'
  | 'new-below-old'
  | 'final-below-old'
  | 'new-below-start'
  | 'new-above-next'
  | 'next-reading-locked'
  | 'next-extra-free-too-large'
  | 'extra-free-too-large'
  | 'date-invalid'
  | 'date-before-install'
  | 'date-before-previous'
  | 'date-same-day'
  | 'date-period-covered'
  | 'date-after-next'
  | 'date-in-future'
  | 'validity-order'
  | 'validity-locked'
  | 'validity-overlap'
  | 'validity-overlap-next'
  | 'reading-read-only'
  | 'period-reading-billed'
  | 'period-reading-changed'
  | 'not-digits'
  | 'too-long'
  | 'email-invalid'
  | 'emails-required'
  | 'number-taken'
  | 'has-readings'
  | 'equipment-id-taken'
  | 'serial-number-taken'
  | 'contract-number-taken'
  | 'interval-invalid'
  | 'month-invalid'
  | 'price-invalid'
  | 'terms-before-billed'
  | 'terms-before-start'
  | 'terms-kept'
  | 'price-decimals'
  | 'position-taken'
  | 'device-has-readings'
  | 'contract-has-devices'
  | 'date-before-estimate'
  | 'end-before-start'
  | 'counters-required'
  | 'counter-has-readings'
  | 'move-before-last'
  | 'move-outside-contract'
  | 'same-contract'
  | 'device-retired'
  | 'final-reading'
  | 'final-reading-date'
  | 'start-after-readings'
  | 'import-flagged'
  | 'move-inside-reading'
  | 'duplicate-row'
  | 'unknown-customer'
  | 'unknown-contract'
  | 'contract-differs'
  | 'refused'
  | 'unknown-counter'
  | 'not-a-number'
  | 'out-of-range'
  | 'bad-time'
  | 'bad-url'
  | 'bad-time-zone'
  | 'bad-language'
  | 'bad-sender'
  | 'unknown-setting'
  | 'unknown-device'
  | 'restore-refused'
  | 'nothing-to-enter'
  | 'reading-differs'
  | 'period-covered'
  | 'date-before-contract'
  /** No longer raised; web values held before may still carry it. */
  | 'validity-lock-overlap'
  | 'estimate-replaced'
  | 'estimate-open'
  | 'new-below-real'
  | 'language-unknown'
  | 'yes-no';

/**
 * `field` names a form field: `date`, `validFrom`, `validTo`, or `<kind>.old|new|extraFree`
 * (e.g. `black.new`), or `reading` for the reading as a whole.
 */
export interface FieldIssue {
  field: string;
  code: IssueCode;
  params?: Record<string, string | number>;
}

export type ApiErrorCode =
  | 'validation'
  | 'not-found'
  | 'conflict'
  | 'bad-request'
  | 'forbidden'
  | 'internal';

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  issues?: FieldIssue[];
}

/** Thrown by the core; each transport turns it into an `ApiErrorBody`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: FieldIssue[];

  constructor(code: ApiErrorCode, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }

  toBody(): ApiErrorBody {
    return this.issues.length > 0
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }

  /** What was refused, issue by issue; a refusal without field issues as one `refused` with its message. */
  refusal(): FieldIssue[] {
    return this.issues.length > 0 ? this.issues : [{ field: 'reading', code: 'refused', params: { message: this.message } }];
  }

  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.issues ?? []);
  }
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorBody).code === 'string' &&
    typeof (value as ApiErrorBody).message === 'string'
  );
}
