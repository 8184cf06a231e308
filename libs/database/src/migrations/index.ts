import { Foundation1795380246185 } from './1795380246185-foundation';
import { PeopleAndOrgStructure1795381000000 } from './1795381000000-people-and-org-structure';
import { Groups1795382000000 } from './1795382000000-groups';
import { InvitationsAndSignIn1795383000000 } from './1795383000000-invitations-and-sign-in';
import { LoginFailuresByAge1795385000000 } from './1795385000000-login-failures-by-age';
import { ActiveEmailKey1795386000000 } from './1795386000000-active-email-key';
import { CompatibilityFoldedKeys1795388000000 } from './1795388000000-compatibility-folded-keys';
import { HrFields1795389000000 } from './1795389000000-hr-fields';
import { ProvisioningLog1795390000000 } from './1795390000000-provisioning-log';
import { OAuthClientsAndEntraTenant1795391000000 } from './1795391000000-oauth-clients-and-entra-tenant';
import { KeysetPaging1795393300000 } from './1795393300000-keyset-paging';
import { DeprovisionGuard1795393700000 } from './1795393700000-deprovision-guard';
import { SingleSignOn1795397000000 } from './1795397000000-single-sign-on';

/** The one migration history, oldest first. Append; never edit a migration that has landed. */
export const MIGRATIONS = [
  Foundation1795380246185,
  PeopleAndOrgStructure1795381000000,
  Groups1795382000000,
  InvitationsAndSignIn1795383000000,
  LoginFailuresByAge1795385000000,
  ActiveEmailKey1795386000000,
  CompatibilityFoldedKeys1795388000000,
  HrFields1795389000000,
  ProvisioningLog1795390000000,
  OAuthClientsAndEntraTenant1795391000000,
  KeysetPaging1795393300000,
  DeprovisionGuard1795393700000,
  SingleSignOn1795397000000,
];
