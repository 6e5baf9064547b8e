/*
 * The pipeline's old name for the HTTP client, kept until it calls
 * createHttp() itself: everything sends through undici.
 */
export { UndiciHttp as HttpClient } from './undiciHttp.js';
