/** A token bucket per tenant for HTTP admission of proof jobs: over quota → 429 with Retry-After. */
import { RateLimitError } from '../../schemas/errors';

export class TenantQuota {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly ratePerSec: number,
    readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes one token or throws RateLimitError with the seconds until one is back. */
  take(tenant: string): void {
    const t = this.now();
    const b = this.buckets.get(tenant) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.ratePerSec);
    b.at = t;
    if (b.tokens < 1) {
      this.buckets.set(tenant, b);
      throw new RateLimitError(Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerSec)), `tenant '${tenant}' is over its proof job quota (${this.ratePerSec}/s, burst ${this.burst})`);
    }
    b.tokens -= 1;
    this.buckets.set(tenant, b);
  }
}
