import { ApiToken } from './credentials/api-token.entity';
import { LoginFailure } from './credentials/login-failure.entity';
import { Session } from './credentials/session.entity';
import { UserCredential } from './users/user-credential.entity';
import { Invitation } from './invitations/invitation.entity';
import { EmailOutbox } from './mail/email-outbox.entity';
import { DeprovisionGuard } from './directories/deprovision-guard.entity';
import { DirectoryToken } from './directories/directory-token.entity';
import { Directory } from './directories/directory.entity';
import { OAuthAccessToken } from './directories/oauth-access-token.entity';
import { OAuthClient } from './directories/oauth-client.entity';
import { Department } from './org-structure/department.entity';
import { OrgSourceMapping } from './org-structure/org-source-mapping.entity';
import { Role } from './org-structure/role.entity';
import { Site } from './org-structure/site.entity';
import { GroupMember } from './groups/group-member.entity';
import { Group } from './groups/group.entity';
import { Organization } from './organizations/organization.entity';
import { DirectoryHealthMark, ProvisioningEvent } from './provisioning-log/provisioning-event.entity';
import { SsoCode } from './sso/sso-code.entity';
import { SsoConfig } from './sso/sso-config.entity';
import { SsoLink } from './sso/sso-link.entity';
import { UserEmail } from './users/user-email.entity';
import { User } from './users/user.entity';

/** Every entity of the API; the data source, the CLI and the tests share this list. */
export const ENTITIES = [
  Organization,
  User,
  UserEmail,
  Directory,
  DirectoryToken,
  ApiToken,
  Site,
  Department,
  Role,
  OrgSourceMapping,
  Group,
  GroupMember,
  UserCredential,
  Invitation,
  EmailOutbox,
  Session,
  LoginFailure,
  ProvisioningEvent,
  DirectoryHealthMark,
  OAuthClient,
  OAuthAccessToken,
  DeprovisionGuard,
  SsoConfig,
  SsoLink,
  SsoCode,
];
