import type { Database } from '../../src/db/model/database.js'

/** One way of reaching a Database, as the contract suite needs it. */
export interface ContractHarness {
  /** The database under test, freshly created and empty. */
  readonly db: Database
  /** Opens another connection to the same database (another tab or worker), when the way allows it. */
  readonly connect?: () => Promise<Database>
  /** Moves the database's clock forward by `ms` (to make keepalives stale). */
  readonly advanceClock: (ms: number) => void
  /** Releases everything the harness opened. */
  readonly close: () => Promise<void>
}

/** Makes a fresh harness for each test. */
export type HarnessFactory = () => Promise<ContractHarness>
