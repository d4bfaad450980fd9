// Entry of the console bundle: mounts the app on the page the gateway serves at /console.
import { render } from 'preact';
import { html } from './ui.js';
import { App } from './app.js';

render(html`<${App} />`, document.getElementById('app')!);
