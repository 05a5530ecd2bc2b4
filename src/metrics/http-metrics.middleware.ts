import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

/**
 * Returns the route pattern, such as /api/server/user, or `unmatched`. Raw paths would carry
 * ids and query strings into label values and grow the number of series without bound.
 */
export function routeLabel(request: Request): string {
  const path: unknown = request.route?.path;
  return typeof path === 'string' ? `${request.baseUrl}${path}` : 'unmatched';
}

/** Records each finished request in omninanny_http_request_duration_seconds. */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const stop = metrics.httpDuration.startTimer();
    response.on('finish', () => {
      stop({ method: request.method, route: routeLabel(request), status: String(response.statusCode) });
    });
    next();
  };
}
