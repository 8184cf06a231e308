import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirectoriesService } from '../directories/directories.service';
import type { DirectoryScope } from '../org-structure/org-structure-sync.service';
import { OrganizationsService, SetupResult } from '../setup/organizations.service';
import { InAppPersonFields, newInAppPerson } from '../users/users-writes.util';
import { User } from '../users/user.entity';
import { DIRECTORY_TEXT_FIELD_NAMES, DirectoryTextField, DirectoryUserFields } from '../users/user-fields.util';

/**
 * Fixtures for specs and the e2e harness, one place each: an organisation (with its first admin
 * and API token), a directory, an in-app person row, the fields a directory sends for a person.
 * They go through the app's own code paths (setup, the directories service, newInAppPerson), so
 * a fixture is a row the app could have written.
 */

const short = (): string => randomUUID().slice(0, 8);

/** A new organisation via `setup` (as `cli setup` does). */
export function createOrganization(app: INestApplicationContext, name = `Org ${short()}`, adminEmail = `admin-${short()}@example.test`): Promise<SetupResult> {
  return app.get(OrganizationsService).setup({ organizationName: name, adminEmail });
}

/** A directory of the organisation (its SCIM token is not needed by service specs). */
export async function createDirectory(app: INestApplicationContext, organizationId: string, name = `Entra ${short()}`): Promise<DirectoryScope> {
  const { directory } = await app.get(DirectoriesService).create(organizationId, name);
  return { organizationId, directoryId: directory.id };
}

/** Inserts a person created in the app (no directory), with the one set of defaults of newInAppPerson. */
export async function insertPerson(m: EntityManager, organizationId: string, email: string, fields: InAppPersonFields = {}): Promise<User> {
  const person = newInAppPerson(m, organizationId, email, fields);
  await m.insert(User, person);
  return person;
}

/** What a directory sends for a person: every text field unset unless given, one work email. */
export function directoryFields(
  userName: string,
  text: Partial<Record<DirectoryTextField, string | null>> = {},
  extra: Partial<DirectoryUserFields> = {},
): DirectoryUserFields {
  const all = Object.fromEntries(DIRECTORY_TEXT_FIELD_NAMES.map((f) => [f, text[f] ?? null])) as Record<DirectoryTextField, string | null>;
  return { userName, text: all, emails: [{ value: userName, type: 'work', primary: true }], managerId: null, active: true, ...extra };
}
