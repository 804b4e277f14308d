using PyStream.Sql.Ast;
using PyStream.Sql.Catalog;
using PyStream.Sql.Protocol;
using PyStream.Sql.Types;

namespace PyStream.Sql.Planning;

/// <summary>Runs the statements that change the catalog: CREATE and DROP of tables, views and functions.</summary>
internal sealed class DdlRunner(SqlSession session)
{
    private SqlCatalog Catalog => session.Catalog;

    /// <summary>
    /// Applies a catalog statement; false when it changed nothing (IF [NOT] EXISTS). A CREATE
    /// FUNCTION of a Python function may come with the function object the client resolved.
    /// </summary>
    public bool Apply(SqlStatement statement, PythonFunction? python = null) => statement switch
    {
        CreateTableStatement t => CreateTable(t),
        CreateViewStatement v => CreateView(v),
        CreateFunctionStatement f => CreateFunction(f, python),
        DropStatement d => Drop(d),
        _ => throw new SqlValidationException($"'{statement.GetType().Name}' does not change the catalog", statement.Position),
    };

    public static bool ChangesCatalog(SqlStatement statement) =>
        statement is CreateTableStatement or CreateViewStatement or CreateFunctionStatement or DropStatement;

    private string NewName(SqlList<string> name, bool ifNotExists, SqlNode at, out bool exists)
    {
        var simple = SqlCatalog.ObjectName(name)
            ?? throw new SqlValidationException($"'{string.Join('.', name)}': only the catalog {SqlCatalog.CatalogName} and its database {SqlCatalog.DatabaseName} exist", at.Position);
        exists = Catalog.Contains(simple);
        if (exists && !ifNotExists)
            throw new SqlValidationException($"Could not execute CreateTable in path `{SqlCatalog.CatalogName}`.`{SqlCatalog.DatabaseName}`.`{simple}`: a table or view of that name already exists", at.Position);
        return simple;
    }

    private bool CreateTable(CreateTableStatement t)
    {
        var name = NewName(t.Name, t.IfNotExists, t, out var exists);
        if (exists)
            return false;
        if (t.AsQuery is not null)
            throw ExpressionBinder.Unsupported("CREATE TABLE ... AS SELECT", t);

        var columns = new List<CatalogColumn>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? watermarkColumn = null;
        SqlExpr? watermarkExpr = null;
        IReadOnlyList<string> primaryKey = [];
        if (t.Like is { } like)
        {
            if (Catalog.Find(like.Source) is not CatalogTable source)
                throw new SqlValidationException($"Source table '{string.Join('.', like.Source)}' of the LIKE clause not found{Suggestions.Hint(like.Source[^1], Catalog.Tables.Select(x => x.Name))}", like.Position);
            bool Excluded(LikeOptionScope scope) => like.Options.LastOrDefault(o => o.Scope == scope || o.Scope == LikeOptionScope.All)?.Action == LikeOptionAction.Excluding;
            columns.AddRange(source.Columns.Where(c => c.Kind == ColumnKind.Physical
                || (c.Kind == ColumnKind.Computed && !Excluded(LikeOptionScope.Generated))
                || (c.Kind == ColumnKind.Metadata && !Excluded(LikeOptionScope.Metadata))));
            if (!Excluded(LikeOptionScope.Options))
            {
                foreach (var (key, value) in source.Options)
                    options[key] = value;
            }

            if (!Excluded(LikeOptionScope.Watermarks))
                (watermarkColumn, watermarkExpr) = (source.WatermarkColumn, source.WatermarkExpression);
            if (!Excluded(LikeOptionScope.Constraints))
                primaryKey = source.PrimaryKey;
        }

        foreach (var column in t.Columns)
        {
            if (columns.Any(c => c.Name == column.Name))
                throw new SqlValidationException($"A column named '{column.Name}' already exists in the table", column.Position);
            columns.Add(column switch
            {
                PhysicalColumn p => new CatalogColumn(p.Name, TypeConverter.FromAst(p.Type), ColumnKind.Physical),
                MetadataColumn m => new CatalogColumn(m.Name, TypeConverter.FromAst(m.Type), ColumnKind.Metadata, MetadataKey: m.Key ?? m.Name, Virtual: m.Virtual),
                ComputedColumn c => new CatalogColumn(c.Name, SqlType.Null, ColumnKind.Computed, c.Expr),
                _ => throw ExpressionBinder.Unsupported(column.GetType().Name, column),
            });
        }

        // Computed columns are typed over the physical and metadata columns.
        var read = columns.Where(c => c.Kind != ColumnKind.Computed).Select(c => new PlanField(c.Name, c.Type)).ToArray();
        var binder = new ExpressionBinder(new Scope(read));
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Kind == ColumnKind.Computed)
            {
                var type = ComputedType(binder, columns[i].Expression!);
                columns[i] = columns[i] with { Type = type };
            }
        }

        foreach (var option in t.Options)
            options[option.Key] = option.Value;
        if (t.Watermark is { } watermark)
            (watermarkColumn, watermarkExpr) = (string.Join('.', watermark.Column), watermark.Expr);
        if (watermarkColumn is not null)
            MarkRowtime(columns, watermarkColumn, watermarkExpr!, t.Watermark ?? (SqlNode)t);

        if (t.PrimaryKey is { } pk)
            primaryKey = pk.Columns;
        foreach (var key in primaryKey)
        {
            var index = columns.FindIndex(c => c.Name == key);
            if (index < 0)
                throw new SqlValidationException($"Could not create a PRIMARY KEY: column '{key}' does not exist{Suggestions.Hint(key, columns.Select(c => c.Name))}", t.PrimaryKey?.Position);
            if (columns[index].Kind != ColumnKind.Physical)
                throw new SqlValidationException($"Could not create a PRIMARY KEY with column '{key}': a key column must be physical", t.PrimaryKey?.Position);
            columns[index] = columns[index] with { Type = columns[index].Type.NotNull };
        }

        foreach (var p in t.PartitionedBy)
        {
            if (!columns.Any(c => c.Name == p && c.Kind == ColumnKind.Physical))
                throw new SqlValidationException($"Partition column '{p}' is not a physical column of the table", t.Position);
        }

        var table = new CatalogTable(name, columns, watermarkColumn, watermarkExpr, primaryKey, options, t.PartitionedBy, t.Temporary);
        ConnectorOptions.Validate(table, t);
        Catalog.Add(table);
        return true;
    }

    private static SqlType ComputedType(ExpressionBinder binder, SqlExpr expr)
    {
        if (expr is FunctionCall { Args.Count: 0 } f && f.Name[^1].Equals("PROCTIME", StringComparison.OrdinalIgnoreCase))
            return SqlType.TimestampLtz(3).NotNull with { TimeAttribute = TimeAttribute.Proctime };
        return binder.Bind(expr).Type;
    }

    private static void MarkRowtime(List<CatalogColumn> columns, string rowtime, SqlExpr watermarkExpr, SqlNode at)
    {
        var index = columns.FindIndex(c => c.Name == rowtime);
        if (index < 0)
            throw new SqlValidationException($"The rowtime attribute field '{rowtime}' is not defined in the table schema{Suggestions.Hint(rowtime, columns.Select(c => c.Name))}", at.Position);
        var type = columns[index].Type;
        if (type.Kind is not (SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz) || type.Precision > 3)
            throw new SqlValidationException($"Invalid data type of time field for watermark definition. The field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), the supported precision 'p' is from 0 to 3, but the time field type is {type}", at.Position);
        if (CatalogTable.IsSourceWatermark(watermarkExpr))
        {
            columns[index] = columns[index] with { Type = type with { TimeAttribute = TimeAttribute.Rowtime } };
            return;
        }

        var read = columns.Select(c => new PlanField(c.Name, c.Type)).ToArray();
        var watermarkType = new ExpressionBinder(new Scope(read)).Bind(watermarkExpr).Type;
        if (watermarkType.Kind is not (SqlTypeKind.Timestamp or SqlTypeKind.TimestampLtz))
            throw new SqlValidationException($"Watermark strategy {PyStream.Sql.Printing.CanonicalSql.ToSql(watermarkExpr)} must be of type TIMESTAMP or TIMESTAMP_LTZ but is of type '{watermarkType}'", at.Position);
        columns[index] = columns[index] with { Type = type with { TimeAttribute = TimeAttribute.Rowtime } };
    }

    private bool CreateView(CreateViewStatement v)
    {
        var name = NewName(v.Name, v.IfNotExists, v, out var exists);
        if (exists)
            return false;
        var node = session.Binder().Bind(v.Query);
        if (v.Columns.Count > 0 && v.Columns.Count != node.Fields.Count)
            throw new SqlValidationException($"The view's column list has {v.Columns.Count} names but its query has {node.Fields.Count} columns", v.Position);
        Catalog.Add(new CatalogView(name, v.Query, v.Columns, v.Temporary));
        return true;
    }

    private bool CreateFunction(CreateFunctionStatement f, PythonFunction? python)
    {
        var name = f.Name[^1];
        if (Catalog.FindFunction(name) is not null)
        {
            if (f.IfNotExists)
                return false;
            throw new SqlValidationException($"Function '{name}' already exists", f.Position);
        }

        if (f.Language is not FunctionLanguage.Python)
            throw new SqlValidationException($"Function '{name}': only LANGUAGE PYTHON functions can run here (no JVM); '{f.ClassName}' would be a Java class", f.Position);
        if (python is { Function.IsEmpty: false })
            PythonFunctions.CheckTypes(python, f);
        Catalog.AddFunction(new CatalogFunction(name, f.ClassName, "PYTHON", f.Temporary, f.System, python is { Function.IsEmpty: false } ? python : null));
        return true;
    }

    private bool Drop(DropStatement d)
    {
        var name = d.Name[^1];
        var removed = d.Kind switch
        {
            ObjectKind.Function => Catalog.RemoveFunction(name),
            _ when Catalog.Find(d.Name) is { } found && found.Kind == (d.Kind == ObjectKind.View ? "view" : "table") => Catalog.Remove(found.Name),
            _ => false,
        };
        if (!removed && !d.IfExists)
        {
            var kind = d.Kind.ToString().ToLowerInvariant();
            throw new SqlValidationException($"{char.ToUpperInvariant(kind[0])}{kind[1..]} with identifier '{SqlCatalog.CatalogName}.{SqlCatalog.DatabaseName}.{name}' does not exist{Suggestions.Hint(name, Catalog.Names)}", d.Position);
        }

        return removed;
    }
}
