namespace Berth.ApiServer.Tables;

/// <summary>Builders for column definitions, with the Name and Age columns every printer shares.</summary>
internal static class Columns
{
    public static readonly TableColumnDefinition Name = new("Name", "string", "name", ColumnDescriptions.Name, 0);

    public static readonly TableColumnDefinition Age = new("Age", "string", "", ColumnDescriptions.CreationTimestamp, 0);

    public const string ContainersDescription = "Names of each container in the template.";
    public const string ImagesDescription = "Images referenced by each container in the template.";

    public static TableColumnDefinition Str(string name, string description) => new(name, "string", "", description, 0);

    public static TableColumnDefinition Int(string name, string description) => new(name, "integer", "", description, 0);

    public static TableColumnDefinition Bool(string name, string description) => new(name, "boolean", "", description, 0);

    /// <summary>A column kubectl shows only with <c>-o wide</c>.</summary>
    public static TableColumnDefinition Wide(string name, string description) => new(name, "string", "", description, 1);
}
