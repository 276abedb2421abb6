using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace OrderHost.Host.OperatorConsole.Charts;

/// <summary>A small inline SVG line chart, drawn on the server: no script, no chart library.</summary>
internal static class Sparkline
{
    private const int Width = 180;
    private const int Height = 36;

    public static IHtmlContent Render(IReadOnlyList<double> values, string title)
    {
        var text = HtmlEncoder.Default.Encode(title);
        if (values.Count < 2)
        {
            return new HtmlString($"<span class=\"muted\" title=\"{text}\">collecting…</span>");
        }

        var max = Math.Max(values.Max(), 1);
        var step = (double)Width / (values.Count - 1);
        var points = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            var y = Height - 2 - ((Height - 4) * values[i] / max);
            points.Append(CultureInfo.InvariantCulture, $"{i * step:0.#},{y:0.#} ");
        }

        return new HtmlString(
            $"<svg class=\"spark\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{text}\">"
            + $"<title>{text}</title><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"{points.ToString().TrimEnd()}\"/></svg>"
            + $" <small>max {max.ToString("0.#", CultureInfo.InvariantCulture)}</small>");
    }
}
