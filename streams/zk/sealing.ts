/**
 * What the exchange keeps at rest about jobs is protected per tenant:
 *   tenant key  = HMAC-SHA256(exchange secret, "zk-tenant-salt|" + tenant)   (the tenant's salt)
 *   queryTag    = HMAC-SHA256(tenant key, root + "|" + query)               (dedup / cache key)
 *   querySealed = AES-256-GCM(tenant key, query), base64(iv | tag | ciphertext), iv derived from the tag
 * The exchange secret is the deployment's (TRUST_ZK_SECRET, hex, read by connectors/config.ts) or
 * <data dir>/zk-secret (created once, 0600).
 * Events and read models never hold a query in the clear; the queries reappear only in the
 * public signals returned to their own requester.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class TenantSealer {
  private readonly keys = new Map<string, Buffer>();
  constructor(private readonly secret: Buffer) {
    if (secret.length < 16) throw new Error('the ZK exchange secret must hold at least 16 bytes');
  }

  static fromDataDir(dataDir: string, secretHex?: string): TenantSealer {
    if (secretHex) return new TenantSealer(Buffer.from(secretHex, 'hex'));
    const file = join(dataDir, 'zk-secret');
    if (!existsSync(file)) {
      try {
        writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another opener made it first: use theirs
      }
    }
    return new TenantSealer(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  tenantKey(tenant: string): Buffer {
    let k = this.keys.get(tenant);
    if (!k) {
      k = createHmac('sha256', this.secret).update(`zk-tenant-salt|${tenant}`).digest();
      this.keys.set(tenant, k);
    }
    return k;
  }

  tag(tenant: string, root: string, query: string): string {
    return createHmac('sha256', this.tenantKey(tenant)).update(`${root}|${query}`).digest('hex');
  }

  /** Deterministic for a (tenant, root, query) — so a redo appends the same event — and bound to the tag. */
  seal(tenant: string, root: string, query: string): string {
    const tag = this.tag(tenant, root, query);
    const iv = Buffer.from(tag.slice(0, 24), 'hex');
    const c = createCipheriv('aes-256-gcm', this.tenantKey(tenant), iv);
    const ct = Buffer.concat([c.update(query, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]).toString('base64');
  }

  unseal(tenant: string, sealed: string): string {
    const buf = Buffer.from(sealed, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.tenantKey(tenant), buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }
}
