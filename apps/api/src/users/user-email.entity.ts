import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn } from '../common/columns.decorator';
import { User } from './user.entity';

/**
 * The emails of a person exactly as the directory sent them, in order. `users.email` keeps the
 * one the app uses (the primary work email); this list keeps the rest filterable in SQL.
 */
@Entity({ name: 'user_emails' })
@Index('UQ_user_emails_user_position', ['userId', 'position'], { unique: true })
@Index('IDX_user_emails_org_value_key', ['organizationId', 'valueKey'])
export class UserEmail {
  @IdColumn()
  id!: string;

  @RefColumn('organization_id')
  organizationId!: string;

  @RefColumn('user_id')
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_emails_user' })
  user?: User;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 32, nullable: true })
  type!: string | null;

  @Column({ type: 'varchar', length: 320 })
  value!: string;

  @Column({ name: 'value_key', type: 'varchar', length: 64 })
  valueKey!: string;

  @Column({ name: 'is_primary', type: 'boolean' })
  primary!: boolean;
}
