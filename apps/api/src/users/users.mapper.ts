import type { HeldDeprovisionResponse } from './dto/held-deprovision.dto';
import type { User } from './user.entity';
import type { UserResponse } from './dto/user.dto';
import type { Person } from './users-query.service';

const ref = (e: { id: string; name: string } | null | undefined) => (e ? { id: e.id, name: e.name } : null);

/** Whitelists what the admin API shows of a person (never the entity itself). */
export function mapUser({ user: u, adminByGroup }: Person): UserResponse {
  return {
    id: u.id,
    email: u.email,
    userName: u.userName,
    firstName: u.givenName,
    lastName: u.familyName,
    displayName: u.displayName,
    title: u.title,
    status: u.archivedAt ? 'archived' : u.status,
    directoryId: u.directoryId,
    externalId: u.externalId,
    site: ref(u.site),
    department: ref(u.departmentEntity),
    role: ref(u.role),
    manager: u.manager ? { id: u.manager.id, displayName: u.manager.displayName } : null,
    grade: u.grade,
    hr: {
      employeeNumber: u.employeeNumber,
      costCenter: u.costCenter,
      organization: u.enterpriseOrganization,
      division: u.division,
      userType: u.userType,
      nickName: u.nickName,
      middleName: u.middleName,
      honorificPrefix: u.honorificPrefix,
      honorificSuffix: u.honorificSuffix,
      preferredLanguage: u.preferredLanguage,
      locale: u.locale,
      timezone: u.timezone,
      workPhone: u.phoneWork,
      mobilePhone: u.phoneMobile,
      fax: u.phoneFax,
      office: u.otherAddressFormatted,
    },
    isAdmin: u.isAdmin || adminByGroup,
    adminByGroup,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
    archivedAt: u.archivedAt ? u.archivedAt.toISOString() : null,
    suspendedAt: u.suspendedAt ? u.suspendedAt.toISOString() : null,
  };
}

/** A person the mass-deprovisioning guard holds, as the admin API lists them. */
export function mapHeldDeprovision(u: User): HeldDeprovisionResponse {
  return {
    userId: u.id,
    userName: u.userName,
    displayName: u.displayName,
    reason: u.deprovisionReason ?? 'deactivated',
    requestedAt: u.deprovisionRequestedAt ? u.deprovisionRequestedAt.toISOString() : null,
    requestId: u.deprovisionRequestId,
  };
}
