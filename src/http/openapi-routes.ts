// `GET /openapi.json` (built once, from the routes registered), `GET /docs`, the reference page, and the
// page's own assets. The page loads nothing from other hosts and tries endpoints against this gateway.
import type { FastifyInstance } from 'fastify';
import { documentedEndpoints } from './endpoint-doc.js';
import { docsAsset } from './docs-assets.js';
import { buildOpenApiDocument } from './openapi-document.js';

export interface OpenApiRouteDeps {
  /** The gateway's version, shown in the document. */
  version: string;
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Switchboard API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: the page would otherwise send the document to an outside validator.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: true,
    displayOperationId: false,
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

export function registerOpenApiRoutes(app: FastifyInstance, deps: OpenApiRouteDeps): void {
  let document: string | undefined;
  // Built at the first request: every route is registered by then, and nothing changes afterwards.
  app.get('/openapi.json', async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(documentedEndpoints(app), deps.version));
    return reply.type('application/json; charset=utf-8').send(document);
  });

  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE));

  app.get('/docs/:asset', async (request, reply) => {
    const name = (request.params as { asset: string }).asset;
    if (name === 'init.js') return reply.type('text/javascript; charset=utf-8').send(INIT);
    const asset = docsAsset(name);
    if (!asset) return reply.code(404).type('text/plain').send('no such asset');
    const { type, body } = await asset;
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(body);
  });
}
