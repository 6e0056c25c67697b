import {
  getContract,
  getCustomer,
  getDeviceByEquipmentId,
  searchDevices,
} from '../../../db/queries/master-data';
import { listReadings } from '../../../db/queries/readings';
import type { ApiArgs, ApiResult } from '../../../shared/api';
import { ApiError } from '../../../shared/errors';
import type { DeviceDetail } from '../../../shared/models';
import { today, type CoreContext } from '../context';

const DEFAULT_SEARCH_LIMIT = 500;

export function devicesSearch(
  core: CoreContext,
  args: ApiArgs<'devices-search'>,
): ApiResult<'devices-search'> {
  return searchDevices(core.db, args.query, args.limit ?? DEFAULT_SEARCH_LIMIT);
}

export function deviceDetail(core: CoreContext, args: ApiArgs<'devices-get'>): DeviceDetail {
  const device = getDeviceByEquipmentId(core.db, args.equipmentId);
  if (!device) throw new ApiError('not-found', `no device with equipment ID ${args.equipmentId}`);
  const contract = getContract(core.db, device.contractId, today(core));
  const customer = contract && getCustomer(core.db, contract.customerId);
  if (!contract || !customer) throw new ApiError('internal', 'device without contract or customer');
  return { device, customer, contract, readings: listReadings(core.db, device.id) };
}
