/** Renderer entry: theme and locale, Pinia, the API transport, then the app. */
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { resolveApi } from './api/resolve-api';
import { wireEvents } from './api/wire-events';
import { useActivityReport } from './composables/use-activity-report';
import { applyStoredTextSize } from './composables/use-text-size';
import { detectLocale, setLocale } from './i18n';
import './styles/theme.css';
import './styles/base.css';
import './styles/forms.css';
import './styles/editor-pages.css';

setLocale(detectLocale(navigator.languages ?? [navigator.language]));
applyStoredTextSize();

const app = createApp(App);
app.use(createPinia());
const api = resolveApi();
void wireEvents(api).ready;
useActivityReport(api);
app.mount('#app');
