// Starts the kiosk: checks the browser, reads kiosk-config.json, downloads the WebAssembly with
// a progress bar (still compiling while it streams), and reports and recovers from failures.
'use strict';
(() => {
  const script = document.currentScript;
  const loader = document.getElementById('loader');
  const bar = document.getElementById('progress');
  const text = document.getElementById('loader-text');
  const RELOAD_AFTER_ABORT_MS = 10000;
  // User-timing marks for tools/first_frame_marks.py.
  const mark = (name) => performance.mark('kiosk:' + name);
  mark('loader');

  const MESSAGES = {
    webgl2: 'This kiosk needs a browser with WebGL 2. Please ask at the desk.',
    wasm: 'This kiosk needs a browser with WebAssembly. Please ask at the desk.',
    abort: 'The kiosk stopped unexpectedly and restarts in a few seconds.',
    download: 'The kiosk could not be loaded. Trying again in a few seconds.',
  };

  // A plain HTML message instead of the canvas; after a crash or a failed download, reload.
  const fatal = (kind) => {
    loader.className = 'error';
    text.textContent = MESSAGES[kind] || MESSAGES.abort;
    document.getElementById('canvas').style.visibility = 'hidden';
    if (kind === 'abort' || kind === 'download') {
      setTimeout(() => location.reload(), RELOAD_AFTER_ABORT_MS);
    }
  };

  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    fatal('wasm');
    return;
  }
  // A cheap check only: creating a probe context costs hundreds of milliseconds on software
  // GL. The app reports through kioskFatal('webgl2') when its own context cannot be made.
  if (typeof WebGL2RenderingContext === 'undefined') {
    fatal('webgl2');
    return;
  }

  // Touch gestures the CSS cannot stop everywhere: long-press menus and pinch on iOS.
  document.addEventListener('contextmenu', (event) => event.preventDefault());
  document.addEventListener('gesturestart', (event) => event.preventDefault());
  document.addEventListener('selectstart', (event) => event.preventDefault());

  // The backend's origin: "" is this page's own origin; anything else must be a bare origin.
  const backendOrigin = (config) => {
    const value = config && typeof config.backend === 'string' ? config.backend.trim() : '';
    return /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?\/?$/.test(value)
      ? value.replace(/\/$/, '') : '';
  };
  // Preloaded by index.html: the same mode, credentials and cache mode, or it is fetched twice.
  // Its server should send Cache-Control: no-cache (serve.py does), so that the page's load
  // revalidates it.
  const config = fetch('kiosk-config.json', {credentials: 'same-origin'})
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}))
    .then((value) => {
      mark('config');
      return value;
    });

  // The wasm is counted as it arrives; the total is its uncompressed size, known at build time.
  const total = Number(script.dataset.wasmBytes) || 0;
  const wasm = fetch(script.dataset.wasm, {credentials: 'same-origin'}).then((response) => {
    if (!response.ok) throw new Error('wasm ' + response.status);
    mark('wasm-response');
    if (!response.body || !total) return response;
    const reader = response.body.getReader();
    let loaded = 0;
    const counted = new ReadableStream({
      pull(controller) {
        return reader.read().then(({done, value}) => {
          if (done) {
            controller.close();
            return;
          }
          loaded += value.byteLength;
          bar.style.width = Math.min(100, (100 * loaded) / total).toFixed(1) + '%';
          controller.enqueue(value);
        });
      },
    });
    return new Response(counted, {headers: {'Content-Type': 'application/wasm'}});
  });

  window.Module = {
    canvas: document.getElementById('canvas'),
    // The app draws its first frame without waiting for kiosk-config.json; its requests to the
    // backend wait for this origin instead.
    kioskBackend: config.then(backendOrigin),
    kioskFatal: fatal,
    instantiateWasm(imports, done) {
      wasm.then((response) => WebAssembly.instantiateStreaming(response, imports))
        .then((result) => {
          mark('wasm-ready');
          done(result.instance, result.module);
        })
        .catch(() => fatal('download'));
      return {};
    },
    onRuntimeInitialized() {
      loader.className = 'done';
    },
    onAbort() {
      fatal('abort');
    },
    print() {},
    printErr(message) {
      console.warn(message);
    },
  };
  window.addEventListener('error', () => {
    if (loader.className !== 'done') fatal('download');
  });

  // Loaded at once, in parallel with the config and the wasm.
  const app = document.createElement('script');
  app.src = script.dataset.app;
  app.onerror = () => fatal('download');
  app.onload = () => mark('app-script');
  document.body.appendChild(app);


})();
