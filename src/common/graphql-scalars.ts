import { registerEnumType } from '@nestjs/graphql';
import { ROLES, Role } from '../auth/principal';

/** GraphQL enum mirroring the Role union (registerEnumType needs an object). */
export const RoleEnum = Object.fromEntries(ROLES.map((role) => [role, role])) as { [K in Role]: K };
registerEnumType(RoleEnum, { name: 'Role', description: 'viewer < editor < admin; worker only where allowed explicitly' });
