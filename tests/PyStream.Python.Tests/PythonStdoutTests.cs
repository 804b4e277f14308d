using System.Text;
using Python.Runtime;
using PyStream.Engine.Runtime;

namespace PyStream.Python.Tests;

[Collection(EmbeddedPythonCollection.Name)]
public sealed class PythonStdoutTests(EmbeddedPython python)
{
    [Fact]
    public void Print_in_a_function_goes_to_its_jobs_output_and_elsewhere_to_the_process()
    {
        // The route stays installed in the shared interpreter: it answers only while this test runs.
        var active = true;
        PythonStdout.Route(() => active ? TaskOutput.Current : null);
        try
        {
            var text = new StringBuilder();
            var output = TextWriter.Synchronized(new StringWriter(text)); // both subtasks print at once, as the gateway's job log takes it
            var execution = JobExecution.Start(python.BuildJob("""
                def shout(x):
                    print("seen", x)
                    return x

                env.set_parallelism(2)
                env.from_collection([1, 2, 3]).map(shout).print()
                """), new JobEnvironment { Stdout = output, Python = python.Runtime });
            Assert.True(execution.Wait(TimeSpan.FromSeconds(60)), "the job did not end in time");
            Assert.Equal(JobStatus.Finished, execution.Status);
            var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["seen 1", "seen 2", "seen 3"], lines.Where(l => l.StartsWith("seen ", StringComparison.Ordinal)).Order());

            // No task on this thread: the text goes to the process's stdout, not to the job.
            using (Py.GIL())
                PythonEngine.Exec("print('not a task')");
            Assert.DoesNotContain("not a task", text.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            active = false;
        }
    }
}
