using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

public sealed class NetworkPrintersTests
{
    private static readonly Berth.Api.Kinds.ResourceInfo Services = Info("", "Service");

    private static string Service(string spec, string status = "{}") => $$"""
        {"metadata":{"name":"web","creationTimestamp":"{{Ago(TimeSpan.FromDays(3))}}"},"spec":{{spec}},"status":{{status}} }
        """;

    [Fact]
    public void Row_ClusterIPService_ShowsPortProtocolAndNoneExternal()
    {
        var cells = Cells(Services, Service("""
            {"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],
             "ports":[{"port":80,"protocol":"TCP","targetPort":8080}],"selector":{"app":"web","tier":"front"}}
            """));
        Assert.Equal<object?>(["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "3d", "app=web,tier=front"], cells);
    }

    [Fact]
    public void Row_NodePortService_ShowsPortColonNodePort()
    {
        var cell = Cell(Services, Service("""
            {"type":"NodePort","clusterIPs":["10.96.1.1"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":53,"nodePort":30053,"protocol":"UDP"}]}
            """), "Port(s)");
        Assert.Equal("80:30080/TCP,53:30053/UDP", cell);
    }

    [Fact]
    public void Row_PortWithoutProtocol_DefaultsToTcp()
    {
        Assert.Equal("443/TCP", Cell(Services, Service("""{"ports":[{"port":443}]}"""), "Port(s)"));
    }

    [Fact]
    public void Row_NoPorts_ShowsNone()
    {
        var cells = Cells(Services, Service("""{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"],"selector":{}}"""));
        Assert.Equal("None", cells[2]);
        Assert.Equal("<none>", cells[4]);
        Assert.Equal("<none>", cells[6]);
    }

    [Fact]
    public void Row_LoadBalancerWithoutAddress_ShowsPending()
    {
        var cell = Cell(Services, Service("""{"type":"LoadBalancer","clusterIPs":["10.96.0.7"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}"""), "External-IP");
        Assert.Equal("<pending>", cell);
    }

    [Fact]
    public void Row_LoadBalancerWithIngress_ShowsSortedAddressesThenExternalIPs()
    {
        var cell = Cell(Services, Service(
            """{"type":"LoadBalancer","externalIPs":["192.0.2.9"]}""",
            """{"loadBalancer":{"ingress":[{"ip":"203.0.113.7"},{"hostname":"lb.example.com"},{"ip":"198.51.100.2"}]}}"""), "External-IP");
        Assert.Equal("198.51.100.2,203.0.113.7,lb.example.com,192.0.2.9", cell);
    }

    [Fact]
    public void Row_ExternalNameAndExternalIPs_ShowTheirAddresses()
    {
        Assert.Equal("db.example.com", Cell(Services, Service("""{"type":"ExternalName","externalName":"db.example.com"}"""), "External-IP"));
        Assert.Equal("192.0.2.1,192.0.2.2", Cell(Services, Service("""{"type":"ClusterIP","externalIPs":["192.0.2.1","192.0.2.2"]}"""), "External-IP"));
    }

    [Fact]
    public void Row_Endpoints_ShowsThreeAddressesThenMore()
    {
        var cell = Cell(Info("", "Endpoints"), """
            {"metadata":{"name":"web"},"subsets":[
              {"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"port":8080},{"port":9090}]},
              {"addresses":[{"ip":"fd00::1"}],"ports":[{"port":80}]}]}
            """, "Endpoints");
        Assert.Equal("10.0.0.1:8080,10.0.0.2:8080,10.0.0.1:9090 + 2 more...", cell);
    }

    [Fact]
    public void Row_EndpointsIPv6AndEmpty_BracketsAndNone()
    {
        var info = Info("", "Endpoints");
        Assert.Equal("[fd00::1]:80", Cell(info, """{"subsets":[{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":80}]}]}""", "Endpoints"));
        Assert.Equal("<none>", Cell(info, """{"metadata":{"name":"x"}}""", "Endpoints"));
    }

    [Fact]
    public void Row_EndpointSlice_ShowsPortsAndAddresses()
    {
        var cells = Cells(Info("discovery.k8s.io", "EndpointSlice"), $$"""
            {"metadata":{"name":"web-abc","creationTimestamp":"{{Ago(TimeSpan.FromMinutes(1))}}"},"addressType":"IPv4",
             "ports":[{"name":"http","port":8080,"protocol":"TCP"},{"name":"metrics"}],
             "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2"]},{"addresses":["10.0.0.3"]},{"addresses":["10.0.0.4"]}]}
            """);
        Assert.Equal<object?>(["web-abc", "IPv4", "8080,metrics", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "60s"], cells);
        Assert.Equal("<unset>", Cell(Info("discovery.k8s.io", "EndpointSlice"), "{}", "Endpoints"));
    }

    [Fact]
    public void Row_Ingress_ShowsClassHostsAddressAndTlsPorts()
    {
        var cells = Cells(Info("networking.k8s.io", "Ingress"), """
            {"metadata":{"name":"web"},"spec":{"ingressClassName":"berth","tls":[{"hosts":["a.example.com"]}],
              "rules":[{"host":"a.example.com"},{"host":"b.example.com"},{}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"10.1.0.1"}]}}}
            """);
        Assert.Equal<object?>(["web", "berth", "a.example.com,b.example.com", "10.1.0.1", "80, 443", "<unknown>"], cells);
    }

    [Fact]
    public void Row_IngressWithoutHostsOrClass_ShowsStarAndNone()
    {
        var cells = Cells(Info("networking.k8s.io", "Ingress"), """{"metadata":{"name":"web"},"spec":{"rules":[{"http":{}}]}}""");
        Assert.Equal("<none>", cells[1]);
        Assert.Equal("*", cells[2]);
        Assert.Equal("", cells[3]);
        Assert.Equal("80", cells[4]);
    }

    [Fact]
    public void Row_IngressClassAndNetworkPolicy_ShowParametersAndSelector()
    {
        Assert.Equal("IngressParameters.k8s.example.com/external",
            Cell(Info("networking.k8s.io", "IngressClass"), """
                {"spec":{"controller":"berth.dev/ingress","parameters":{"apiGroup":"k8s.example.com","kind":"IngressParameters","name":"external"}}}
                """, "Parameters"));
        Assert.Equal("app=db,role in (primary,replica)",
            Cell(Info("networking.k8s.io", "NetworkPolicy"), """
                {"spec":{"podSelector":{"matchExpressions":[{"key":"role","operator":"In","values":["replica","primary"]}],"matchLabels":{"app":"db"}}}}
                """, "Pod-Selector"));
        Assert.Equal("<none>", Cell(Info("networking.k8s.io", "NetworkPolicy"), """{"spec":{"podSelector":{}}}""", "Pod-Selector"));
    }
}
