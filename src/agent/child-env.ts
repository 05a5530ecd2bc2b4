import type { StartRequest } from './protocol';

/**
 * Builds a game server's environment: the agent's own environment without any
 * `OMNINANNY_*` variable (one of them may contain the worker token), then the request's
 * variables, then the variables that describe the instance, which always win.
 */
export function buildChildEnv(agentEnv: NodeJS.ProcessEnv, request: StartRequest): Record<string, string> {
  const env: Record<string, string> = {};

  for (const [name, value] of Object.entries(agentEnv)) {
    if (value !== undefined && !name.startsWith('OMNINANNY_')) {
      env[name] = value;
    }
  }

  Object.assign(env, request.env);

  env.PORT = String(request.port);
  env.OMNINANNY_INSTANCE_ID = request.instance;
  env.OMNINANNY_MODE = request.mode ?? '';
  env.OMNINANNY_PLAYERS = JSON.stringify(request.players);

  return env;
}
