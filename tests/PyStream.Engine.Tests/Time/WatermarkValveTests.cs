using PyStream.Engine.Time;

namespace PyStream.Engine.Tests.Time;

public sealed class WatermarkValveTests
{
    private readonly List<string> _emitted = [];

    private WatermarkValve Valve(int inputs)
    {
        var valve = new WatermarkValve(watermark => _emitted.Add($"{watermark}"), idle => _emitted.Add(idle ? "idle" : "active"));
        valve.AddInputs(inputs);
        return valve;
    }

    [Fact]
    public void The_output_is_the_minimum_over_inputs_and_only_moves_forward()
    {
        var valve = Valve(2);
        valve.InputWatermark(0, 10);
        valve.InputWatermark(1, 5);
        valve.InputWatermark(1, 20);
        valve.InputWatermark(0, 7); // behind input 0's own watermark: ignored
        valve.InputWatermark(0, 15);
        Assert.Equal(["5", "10", "15"], _emitted);
        Assert.Equal(15, valve.Output);
    }

    [Fact]
    public void An_idle_input_stops_holding_back_time_and_all_idle_makes_the_output_idle()
    {
        var valve = Valve(2);
        valve.InputWatermark(0, 10);
        valve.InputIdle(1, idle: true);
        valve.InputIdle(0, idle: true);
        valve.InputWatermark(1, 50); // idle: remembered, not emitted
        valve.InputIdle(1, idle: false);
        valve.InputIdle(0, idle: false); // back at 10: behind the output, nothing new
        valve.InputWatermark(0, 60);
        valve.InputWatermark(1, 70);
        Assert.Equal(["10", "idle", "active", "50", "60"], _emitted);
    }

    [Fact]
    public void An_ended_input_holds_nothing_back()
    {
        var valve = Valve(2);
        valve.InputWatermark(0, 10);
        valve.EndInput(1);
        valve.EndInput(0);
        Assert.Equal(["10", long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)], _emitted);
    }

    [Fact]
    public void Inputs_set_together_are_evaluated_once()
    {
        var valve = Valve(2);
        valve.Set(0, 10, idle: false);
        valve.Set(1, 30, idle: false);
        Assert.Empty(_emitted);
        valve.Evaluate();
        Assert.Equal(["10"], _emitted);
    }

    [Fact]
    public void A_valve_without_inputs_is_idle()
    {
        var valve = Valve(0);
        valve.Evaluate();
        Assert.Equal(["idle"], _emitted);
        Assert.True(valve.IsIdle);
    }
}
