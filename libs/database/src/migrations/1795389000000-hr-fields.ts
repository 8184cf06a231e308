import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { varchar } from './columns';

/**
 * Issue #10 §3: the attributes Entra's default mapping sends that were not stored yet (nickName,
 * userType, locale, timezone, the rest of name, the enterprise costCenter/organization/division,
 * and the address of type other: Entra's office), so a strict server can refuse what it does
 * not keep without refusing a tenant that keeps the defaults. All nullable: existing people
 * simply have none of them until their directory sends them.
 */
export const HR_COLUMNS: ReadonlyArray<[string, number]> = [
  ['name_middle', 255],
  ['name_honorific_prefix', 64],
  ['name_honorific_suffix', 64],
  ['nick_name', 255],
  ['user_type', 64],
  ['locale', 64],
  ['timezone', 64],
  ['cost_center', 255],
  ['enterprise_organization', 255],
  ['division', 255],
  ['other_address_formatted', 1000],
  ['other_address_street', 255],
  ['other_address_locality', 255],
  ['other_address_region', 255],
  ['other_address_postal_code', 64],
  ['other_address_country', 255],
];

export class HrFields1795389000000 implements MigrationInterface {
  name = 'HrFields1795389000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns(
      'users',
      HR_COLUMNS.map(([name, length]) => new TableColumn(varchar(name, length, true))),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns(
      'users',
      HR_COLUMNS.map(([name]) => name),
    );
  }
}
