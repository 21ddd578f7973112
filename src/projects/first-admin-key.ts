import { ApiKeysService, CreatedApiKey } from '../auth/api-keys.service';
import { ProjectsService, ProjectView } from './projects.service';

/**
 * Creates the project if it is missing and an admin key for it: the way into a fresh
 * installation (CLI `create-admin-key`) and into each test app.
 */
export async function createProjectAdminKey(
  projects: ProjectsService,
  apiKeys: ApiKeysService,
  projectName: string,
  keyName = 'first admin key',
): Promise<{ project: ProjectView; projectCreated: boolean; key: CreatedApiKey }> {
  const { project, created } = await projects.findOrCreate(projectName);
  const key = await apiKeys.create(project.id, keyName, 'admin');
  return { project, projectCreated: created, key };
}
