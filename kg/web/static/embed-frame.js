/* Inside /embed/related: tells the embedding page how tall the list is, so its iframe fits. */
(function () {
  "use strict";
  function send() {
    if (window.parent !== window) {
      window.parent.postMessage({ kgRelatedHeight: document.documentElement.scrollHeight }, "*");
    }
  }
  window.addEventListener("load", send);
  if (window.ResizeObserver) { new ResizeObserver(send).observe(document.body); }
})();
