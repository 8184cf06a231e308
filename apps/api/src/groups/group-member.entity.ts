import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ID_LENGTH, RefColumn, TimestampColumn } from '../common/columns.decorator';
import { User } from '../users/user.entity';
import { Group } from './group.entity';

/** One membership: a change to a group touches only the rows of the members it names. */
@Entity({ name: 'group_members' })
@Index('IDX_group_members_user', ['userId'])
export class GroupMember {
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: ID_LENGTH })
  groupId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: ID_LENGTH })
  userId!: string;

  @ManyToOne(() => Group, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'FK_group_members_group' })
  group?: Group;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_group_members_user' })
  user?: User;

  @RefColumn('organization_id')
  organizationId!: string;

  @TimestampColumn('created_at')
  createdAt!: Date;
}
