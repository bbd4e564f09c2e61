// Mounts GraphiQL on this page's endpoint (the page is served at /graphql, the same URL as the API).
(function () {
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var defaultQuery = [
    "# kg's GraphQL API: DataCite's names, plus evidence chains, related items and provenance.",
    "# Examples: graphql/examples/ in the repository; the schema is in the Docs panel.",
    "{",
    "  work(id: \"10.5555/kg-sample.data\") {",
    "    titles { title }",
    "    citationCount",
    "    citationsOverTime { year total }",
    "  }",
    "}",
    ""
  ].join("\n");
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery })
  );
})();
