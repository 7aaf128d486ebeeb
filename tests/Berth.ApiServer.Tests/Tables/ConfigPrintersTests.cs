using static Berth.ApiServer.Tests.Tables.TableTestSupport;

namespace Berth.ApiServer.Tests.Tables;

public sealed class ConfigPrintersTests
{
    [Fact]
    public void Row_ConfigMapSecretServiceAccount_CountEntries()
    {
        Assert.Equal<object?>(["cfg", 3L, "<unknown>"], Cells(Info("", "ConfigMap"),
            """{"metadata":{"name":"cfg"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}"""));
        Assert.Equal<object?>(["tls", "kubernetes.io/tls", 2L, "<unknown>"], Cells(Info("", "Secret"),
            """{"metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}"""));
        Assert.Equal("Opaque", Cell(Info("", "Secret"), """{"data":{}}""", "Type"));
        Assert.Equal(1L, Cell(Info("", "ServiceAccount"), """{"secrets":[{"name":"t"}]}""", "Secrets"));
    }

    [Fact]
    public void Row_ResourceQuota_SplitsRequestsAndLimitsSorted()
    {
        var cells = Cells(Info("", "ResourceQuota"), """
            {"metadata":{"name":"compute"},
             "status":{"hard":{"requests.cpu":"20","limits.memory":"4Gi","pods":"10","limits.cpu":"40","requests.memory":"2048Mi"},
                       "used":{"requests.cpu":"500m","pods":"3","limits.cpu":"1000m","requests.memory":"1Gi"}}}
            """);
        Assert.Equal("pods: 3/10, requests.cpu: 500m/20, requests.memory: 1Gi/2Gi", cells[1]);
        Assert.Equal("limits.cpu: 1/40, limits.memory: 0/4Gi", cells[2]);
    }

    [Fact]
    public void Row_PersistentVolume_ShowsCapacityModesClaimAndClass()
    {
        var cells = Cells(Info("", "PersistentVolume"), """
            {"metadata":{"name":"pv-1"},"spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteMany","ReadWriteOnce","ReadWriteOnce"],
              "persistentVolumeReclaimPolicy":"Retain","storageClassName":"local","volumeMode":"Filesystem",
              "claimRef":{"namespace":"default","name":"data"}},"status":{"phase":"Bound"}}
            """);
        Assert.Equal<object?>(["pv-1", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "local", "<unset>", "", "<unknown>", "Filesystem"], cells);
    }

    [Fact]
    public void Row_PersistentVolumeClaim_ShowsCapacityOnlyWhenBound()
    {
        var info = Info("", "PersistentVolumeClaim");
        var bound = Cells(info, """
            {"metadata":{"name":"data","annotations":{"volume.beta.kubernetes.io/storage-class":"legacy"}},
             "spec":{"volumeName":"pv-1","storageClassName":"local","resources":{"requests":{"storage":"5Gi"}}},
             "status":{"phase":"Bound","capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"]}}
            """);
        Assert.Equal<object?>(["data", "Bound", "pv-1", "10Gi", "RWO", "legacy", "<unset>", "<unknown>", "<unset>"], bound);

        var pending = Cells(info, """{"metadata":{"name":"data","deletionTimestamp":"2025-06-01T11:00:00Z"},"spec":{},"status":{"phase":"Pending"}}""");
        Assert.Equal<object?>(["data", "Terminating", "", "", "", "", "<unset>", "<unknown>", "<unset>"], pending);
    }

    [Fact]
    public void Row_StorageClass_MarksDefaultAndUsesDefaults()
    {
        var cells = Cells(Info("storage.k8s.io", "StorageClass"), """
            {"metadata":{"name":"local-path","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},"provisioner":"berth.dev/local-path"}
            """);
        Assert.Equal<object?>(["local-path (default)", "berth.dev/local-path", "Delete", "Immediate", false, "<unknown>"], cells);
    }

    [Fact]
    public void Row_PodDisruptionBudget_ShowsIntOrStringAndNA()
    {
        var cells = Cells(Info("policy", "PodDisruptionBudget"), """
            {"metadata":{"name":"web"},"spec":{"minAvailable":"50%"},"status":{"disruptionsAllowed":1}}
            """);
        Assert.Equal<object?>(["web", "50%", "N/A", 1L, "<unknown>"], cells);
        Assert.Equal("2", Cell(Info("policy", "PodDisruptionBudget"), """{"spec":{"maxUnavailable":2}}""", "Max Unavailable"));
    }

    [Fact]
    public void Row_RoleBinding_ShowsRoleAndSubjects()
    {
        var cells = Cells(Info("rbac.authorization.k8s.io", "RoleBinding"), """
            {"metadata":{"name":"read"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"User","name":"alice"},{"kind":"ServiceAccount","name":"ci","namespace":"build"},
                         {"kind":"Group","name":"devs"},{"kind":"User","name":"bob"}]}
            """);
        Assert.Equal<object?>(["read", "ClusterRole/view", "<unknown>", "alice, bob", "devs", "build/ci"], cells);
    }

    [Fact]
    public void Row_KindWithoutPrinter_ShowsCreatedAtTimestamp()
    {
        var cells = Cells(Info("rbac.authorization.k8s.io", "Role"),
            """{"metadata":{"name":"reader","creationTimestamp":"2024-03-05T07:08:09.123456Z"}}""");
        Assert.Equal<object?>(["reader", "2024-03-05T07:08:09Z"], cells);
        var column = Convertor().Columns(Info("", "LimitRange"))[1];
        Assert.Equal(("Created At", "date"), (column.Name, column.Type));
    }
}
