import { ApiToken } from './auth/api-token.entity';
import { DirectoryToken } from './directories/directory-token.entity';
import { Directory } from './directories/directory.entity';
import { Organization } from './organizations/organization.entity';
import { User } from './users/user.entity';

/** Every entity of the API; the data source, the CLI and the tests share this list. */
export const ENTITIES = [Organization, User, Directory, DirectoryToken, ApiToken];
