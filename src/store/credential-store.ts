import type Database from 'better-sqlite3';
import type { ApiKeyFixture, FixtureDocument, ProjectAccess, ServiceAccountFixture } from '../seed/fixture-document.js';

interface CredentialRow {
  id: string;
  secret: string;
  projects: string;
  accessList: string | null;
}

function fields(row: CredentialRow): { projects: ProjectAccess; accessList?: string[] } {
  const projects = JSON.parse(row.projects) as ProjectAccess;
  return row.accessList === null ? { projects } : { projects, accessList: JSON.parse(row.accessList) as string[] };
}

const encode = (credential: { projects: ProjectAccess; accessList?: string[] }): [string, string | null] => [
  JSON.stringify(credential.projects),
  credential.accessList ? JSON.stringify(credential.accessList) : null,
];

/**
 * The API keys and service accounts that fixture documents declare, kept in the store's
 * database so they persist with ATLAS_EMU_DB. Writes run inside CheckpointStore's
 * transactions (its load() calls in here), so a fixture load applies wholly or not at all.
 */
export class CredentialStore {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      upsertKey: db.prepare<[string, string, string, string | null]>(
        `INSERT INTO api_keys (public_key, private_key, projects, access_list) VALUES (?, ?, ?, ?)
         ON CONFLICT (public_key) DO UPDATE SET private_key = excluded.private_key, projects = excluded.projects,
           access_list = excluded.access_list`,
      ),
      upsertAccount: db.prepare<[string, string, string, string | null]>(
        `INSERT INTO service_accounts (client_id, client_secret, projects, access_list) VALUES (?, ?, ?, ?)
         ON CONFLICT (client_id) DO UPDATE SET client_secret = excluded.client_secret, projects = excluded.projects,
           access_list = excluded.access_list`,
      ),
      keys: db.prepare<[], CredentialRow>(
        'SELECT public_key AS id, private_key AS secret, projects, access_list AS accessList FROM api_keys ORDER BY public_key',
      ),
      accounts: db.prepare<[], CredentialRow>(
        'SELECT client_id AS id, client_secret AS secret, projects, access_list AS accessList FROM service_accounts ORDER BY client_id',
      ),
      clear: db.prepare('DELETE FROM api_keys'),
      clearAccounts: db.prepare('DELETE FROM service_accounts'),
    };
  }

  /** Upserts the document's credentials (by public key and client id). */
  load(document: FixtureDocument): void {
    for (const key of document.apiKeys ?? []) this.sql.upsertKey.run(key.publicKey, key.privateKey, ...encode(key));
    for (const account of document.serviceAccounts ?? []) {
      this.sql.upsertAccount.run(account.clientId, account.clientSecret, ...encode(account));
    }
  }

  clear(): void {
    this.sql.clear.run();
    this.sql.clearAccounts.run();
  }

  apiKeys(): ApiKeyFixture[] {
    return this.sql.keys.all().map((row) => ({ publicKey: row.id, privateKey: row.secret, ...fields(row) }));
  }

  serviceAccounts(): ServiceAccountFixture[] {
    return this.sql.accounts.all().map((row) => ({ clientId: row.id, clientSecret: row.secret, ...fields(row) }));
  }

  /** The credentials as fixture-document fields; none when there are none, so plain exports stay as they were. */
  exportFields(): Pick<FixtureDocument, 'apiKeys' | 'serviceAccounts'> {
    const apiKeys = this.apiKeys();
    const serviceAccounts = this.serviceAccounts();
    return { ...(apiKeys.length > 0 ? { apiKeys } : {}), ...(serviceAccounts.length > 0 ? { serviceAccounts } : {}) };
  }
}
