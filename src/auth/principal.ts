/** Who is calling: resolved from the API key by the global AuthGuard (src/auth). */
export const ROLES = ['viewer', 'editor', 'admin', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  apiKeyId: string;
  projectId: string;
  role: Role;
}
