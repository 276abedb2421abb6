namespace OrderHost.Host.OperatorConsole.Charts;

/// <summary>The last <see cref="Capacity"/> samples, oldest first; kept in memory, so a restart starts the charts afresh.</summary>
internal sealed class SampleHistory
{
    public const int Capacity = 60;

    private readonly Lock _gate = new();
    private readonly Queue<ConsoleSample> _samples = new(Capacity);

    public void Add(ConsoleSample sample)
    {
        lock (_gate)
        {
            if (_samples.Count == Capacity)
            {
                _samples.Dequeue();
            }

            _samples.Enqueue(sample);
        }
    }

    public IReadOnlyList<ConsoleSample> Snapshot()
    {
        lock (_gate)
        {
            return [.. _samples];
        }
    }
}
