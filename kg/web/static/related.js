/* kg related-items widget. On a record page:
 *   <div data-kg-related="10.5555/kg-sample.data"><a href="https://KG/works/10.5555/kg-sample.data">Related items on kg</a></div>
 *   <script src="https://KG/static/related.js" async></script>
 * replaces each such element's content (the fallback link, kept when scripts are off) with an
 * iframe of /embed/related, sized to its content. Optional: data-limit="5" (1 to 20). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src, document.baseURI).origin;

  function mount(element) {
    var id = element.getAttribute("data-kg-related");
    if (!id || element.getAttribute("data-kg-mounted")) { return; }
    var frame = document.createElement("iframe");
    frame.src = base + "/embed/related?id=" + encodeURIComponent(id) +
      "&limit=" + encodeURIComponent(element.getAttribute("data-limit") || "5");
    frame.title = "Related items from kg";
    frame.className = "kg-related-frame";
    frame.style.cssText = "width:100%;border:0;height:160px";
    element.setAttribute("data-kg-mounted", "1");
    element.replaceChildren(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== base || !event.data || typeof event.data.kgRelatedHeight !== "number") { return; }
    var frames = document.querySelectorAll("iframe.kg-related-frame");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) { frames[i].style.height = event.data.kgRelatedHeight + "px"; }
    }
  });
  var elements = document.querySelectorAll("[data-kg-related]");
  for (var i = 0; i < elements.length; i++) { mount(elements[i]); }
})();
