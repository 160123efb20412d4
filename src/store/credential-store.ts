import type Database from 'better-sqlite3';
import type { ApiKeyFixture, ProjectAccess, ServiceAccountFixture } from '../model/fixture-schema.js';
import type { StagedCredential } from './staging.js';

interface CredentialRow {
  id: string;
  secret: string;
  projects: string;
  accessList: string | null;
}

/** A declared credential: its id, its secret as declared (exported so that a load round-trips), its access. */
export interface DeclaredCredential {
  id: string;
  secret: string;
  projects: ProjectAccess;
  accessList: string[] | undefined;
}

function declared(row: CredentialRow): DeclaredCredential {
  return {
    id: row.id,
    secret: row.secret,
    projects: JSON.parse(row.projects) as ProjectAccess,
    accessList: row.accessList === null ? undefined : (JSON.parse(row.accessList) as string[]),
  };
}

const accessFields = (c: DeclaredCredential) => ({ projects: c.projects, ...(c.accessList ? { accessList: c.accessList } : {}) });

/**
 * The API keys and service accounts that fixture documents declare: the one place they are
 * kept (the auth side caches what it derives from them and drops it when they change). They
 * persist with ATLAS_EMU_DB; writes run inside the store's transactions.
 */
export class CredentialStore {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      upsertKey: db.prepare(
        `INSERT INTO api_keys (public_key, private_key, projects, access_list) VALUES (:id, :secret, :projects, :accessList)
         ON CONFLICT (public_key) DO UPDATE SET private_key = excluded.private_key, projects = excluded.projects,
           access_list = excluded.access_list`,
      ),
      upsertAccount: db.prepare(
        `INSERT INTO service_accounts (client_id, client_secret, projects, access_list) VALUES (:id, :secret, :projects, :accessList)
         ON CONFLICT (client_id) DO UPDATE SET client_secret = excluded.client_secret, projects = excluded.projects,
           access_list = excluded.access_list`,
      ),
      key: db.prepare<[string], CredentialRow>(
        'SELECT public_key AS id, private_key AS secret, projects, access_list AS accessList FROM api_keys WHERE public_key = ?',
      ),
      account: db.prepare<[string], CredentialRow>(
        'SELECT client_id AS id, client_secret AS secret, projects, access_list AS accessList FROM service_accounts WHERE client_id = ?',
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

  /** Upserts credentials by public key or client id. */
  upsert(credentials: StagedCredential[]): void {
    for (const { kind, ...credential } of credentials) (kind === 'apiKey' ? this.sql.upsertKey : this.sql.upsertAccount).run(credential);
  }

  clear(): void {
    this.sql.clear.run();
    this.sql.clearAccounts.run();
  }

  apiKey(publicKey: string): DeclaredCredential | undefined {
    const row = this.sql.key.get(publicKey);
    return row && declared(row);
  }

  serviceAccount(clientId: string): DeclaredCredential | undefined {
    const row = this.sql.account.get(clientId);
    return row && declared(row);
  }

  apiKeys(): ApiKeyFixture[] {
    return this.sql.keys
      .all()
      .map(declared)
      .map((c) => ({ publicKey: c.id, privateKey: c.secret, ...accessFields(c) }));
  }

  serviceAccounts(): ServiceAccountFixture[] {
    return this.sql.accounts
      .all()
      .map(declared)
      .map((c) => ({ clientId: c.id, clientSecret: c.secret, ...accessFields(c) }));
  }

  /** The credentials as fixture-document members (`,"apiKeys":[...]`); none when there are none. */
  exportFields(): string {
    const apiKeys = this.apiKeys();
    const serviceAccounts = this.serviceAccounts();
    return (
      (apiKeys.length > 0 ? `,"apiKeys":${JSON.stringify(apiKeys)}` : '') +
      (serviceAccounts.length > 0 ? `,"serviceAccounts":${JSON.stringify(serviceAccounts)}` : '')
    );
  }
}
