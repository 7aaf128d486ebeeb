namespace Berth.Api.Tests.Strategies;

public sealed class NetworkingStrategyTests
{
    [Fact]
    public void Create_IngressWithBadPaths_ReportsEveryError()
    {
        var ing = StrategyHarness.Yaml1("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
              - host: 10.0.0.1
                http:
                  paths:
                  - path: /
                    backend: {service: {name: web, port: {number: 80}}}
                  - path: api
                    pathType: Prefix
                    backend: {service: {name: web}}
                  - path: /x
                    pathType: Regex
                    backend: {}
              tls:
              - hosts: ["*.example.com", "bad_host"]
            """);
        Assert.Equal(
        [
            "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address",
            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
            "spec.rules[0].http.paths[1].path: Invalid value: \"api\": must be an absolute path",
            "spec.rules[0].http.paths[1].backend: Required value: port name or number is required",
            "spec.rules[0].http.paths[2].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
            "spec.rules[0].http.paths[2].backend: Invalid value: \"\": resource or service backend is required",
            "spec.tls[0].hosts[1]: Invalid value: \"bad_host\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ], StrategyHarness.Create(ing));
    }

    [Fact]
    public void Create_IngressWithoutRulesOrBackend_IsRejected()
    {
        var ing = StrategyHarness.Yaml1("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec: {}
            """);
        Assert.Equal(["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"], StrategyHarness.Create(ing));
    }

    [Fact]
    public void Create_NetworkPolicy_DefaultsPolicyTypesAndProtocol()
    {
        var np = StrategyHarness.Created("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db}
            spec:
              podSelector: {matchLabels: {app: db}}
              ingress: [{ports: [{port: 5432}]}]
              egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
            """);
        StrategyHarness.AssertJson(StrategyHarness.Node("""["Ingress","Egress"]"""), np["spec"]!["policyTypes"]);
        Assert.Equal("TCP", np["spec"]!["ingress"]![0]!["ports"]![0]!["protocol"]!.GetValue<string>());
    }

    [Fact]
    public void Create_NetworkPolicyWithBadPeers_ReportsKubeErrors()
    {
        var np = StrategyHarness.Yaml1("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: db}
            spec:
              podSelector: {}
              ingress:
              - from: [{}, {ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}, podSelector: {}}]
                ports: [{protocol: ICMP, port: 70000}]
            """);
        Assert.Equal(
        [
            "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
            "spec.ingress[0].ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.ingress[0].from[0]: Required value: must specify a peer",
            "spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`",
            "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
        ], StrategyHarness.Create(np));
    }
}
