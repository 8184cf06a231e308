export class OrgEntityResponse {
  id!: string;
  name!: string;
  /** People linked to it, archived people included. */
  userCount!: number;
  createdAt!: string;
  updatedAt!: string;
}

export class SiteResponse extends OrgEntityResponse {
  /** The work address captured when the site was first seen (editable in-app). */
  address!: {
    streetAddress: string | null;
    locality: string | null;
    region: string | null;
    postalCode: string | null;
    country: string | null;
  };
}

export class SitePage {
  items!: SiteResponse[];
  total!: number;
  page!: number;
  limit!: number;
}

export class OrgEntityPage {
  items!: OrgEntityResponse[];
  total!: number;
  page!: number;
  limit!: number;
}
