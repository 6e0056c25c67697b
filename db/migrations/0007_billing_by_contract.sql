-- meterdesk schema 7: a contract's earlier billing runs found by the contract.
-- * The preview and the run look up, per contract, the runs that billed an overlapping
--   validity (their free copies are not granted twice); with ten years of monthly runs the
--   table has hundreds of thousands of rows, which the primary key (run_id, contract_id)
--   cannot search by contract.
CREATE INDEX billing_contracts_by_contract ON billing_contracts (contract_id, valid_to);
