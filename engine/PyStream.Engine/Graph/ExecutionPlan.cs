using System.Text;
using System.Text.Json;
using PyStream.Engine.Spec;

namespace PyStream.Engine.Graph;

/// <summary>The plan JSON of <c>get_execution_plan()</c>, in the shape Flink's plan visualizer reads.</summary>
public static class ExecutionPlan
{
    public static string ToJson(JobGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("nodes");
            foreach (var node in graph.Nodes)
            {
                json.WriteStartObject();
                json.WriteNumber("id", node.Id);
                json.WriteString("type", node.Name);
                json.WriteString("pact", node.IsSource ? "Data Source" : node.IsSink ? "Data Sink" : "Operator");
                json.WriteString("contents", node.Name);
                json.WriteNumber("parallelism", node.Parallelism);
                if (node.Inputs.Count > 0)
                {
                    json.WriteStartArray("predecessors");
                    foreach (var edge in node.Inputs)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("id", edge.Source.Id);
                        json.WriteString("ship_strategy", ShipStrategy(edge.Partitioning));
                        json.WriteString("side", "second");
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string ShipStrategy(Partitioning partitioning) => partitioning switch
    {
        Partitioning.Forward => "FORWARD",
        Partitioning.Rebalance => "REBALANCE",
        Partitioning.Rescale => "RESCALE",
        Partitioning.Shuffle => "SHUFFLE",
        Partitioning.Broadcast => "BROADCAST",
        Partitioning.Hash => "HASH",
        Partitioning.Custom => "CUSTOM",
        _ => partitioning.ToString().ToUpperInvariant(),
    };
}
