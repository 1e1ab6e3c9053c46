// Renderer entry: one Vue app with Pinia; the same bundle runs in Electron and in `zoolab web`.

import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import './styles/app.css';

createApp(App).use(createPinia()).mount('#app');
