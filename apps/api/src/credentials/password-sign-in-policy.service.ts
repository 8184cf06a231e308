import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * A rule that can turn password sign-in off for an organisation, written over its owner's own
 * tables (single sign-on's "SSO only" setting, sso/).
 */
export interface PasswordSignInRule {
  /** A name for errors and tests, e.g. "sso". */
  readonly ruleName: string;
  /** SQL that is true when password sign-in is off for the organisation whose id is the SQL expression `organizationIdSql`. */
  disabledSql(organizationIdSql: string): string;
}

/**
 * Whether an organisation's people may sign in with a password, or accept an invitation by
 * setting one. credentials/ asks; the feature that can say no sits above credentials in the
 * folder order (sso/), so it registers its rule here when Nest builds it, as the holders of
 * access register with UsersLifecycle. With no rule registered, passwords are allowed.
 */
@Injectable()
export class PasswordSignInPolicy {
  private rule: PasswordSignInRule | null = null;

  /** Sets the rule; one feature owns it, so a second, different rule is a wiring mistake. */
  register(rule: PasswordSignInRule): void {
    if (this.rule && this.rule !== rule) throw new Error(`A password sign-in rule is already registered (${this.rule.ruleName}); cannot add ${rule.ruleName}`);
    this.rule = rule;
  }

  /** The registered rule's name, or null (tests check that single sign-on registered its rule). */
  get registered(): string | null {
    return this.rule?.ruleName ?? null;
  }

  /** SQL that is true when the organisation whose id is the SQL expression `organizationIdSql` allows password sign-in. */
  allowedSql(organizationIdSql: string): string {
    return this.rule ? `NOT (${this.rule.disabledSql(organizationIdSql)})` : '1 = 1';
  }

  /** Whether the organisation allows password sign-in now. */
  async allowed(db: DataSource | EntityManager, organizationId: string): Promise<boolean> {
    if (!this.rule) return true;
    const [row]: Array<{ allowed: number | string | boolean }> = await db.query(`SELECT CASE WHEN ${this.allowedSql('?')} THEN 1 ELSE 0 END AS allowed`, [
      organizationId,
    ]);
    return Number(row.allowed) === 1;
  }
}
