import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { Directory } from '../directories/directory.entity';

export const ORG_KINDS = ['site', 'department', 'role'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/**
 * How a value a directory sends (e.g. department "R&D") maps to an org-structure entity, so an
 * in-app rename or merge keeps catching the directory's old value instead of recreating it.
 */
@Entity({ name: 'org_source_mappings' })
@Index('UQ_org_source_mappings_source', ['directoryId', 'kind', 'sourceKey'], { unique: true })
@Index('IDX_org_source_mappings_entity', ['kind', 'entityId'])
export class OrgSourceMapping {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('directory_id')
  directoryId!: string;

  @ManyToOne(() => Directory, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'directory_id', foreignKeyConstraintName: 'FK_org_source_mappings_directory' })
  directory?: Directory;

  @Column({ type: 'varchar', length: 16 })
  kind!: OrgKind;

  /** normalizedKey of the value as the directory sent it. */
  @Column({ name: 'source_key', type: 'varchar', length: 64 })
  sourceKey!: string;

  @RefColumn('entity_id')
  entityId!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;
}
