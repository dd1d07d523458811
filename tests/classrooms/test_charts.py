"""Server-side SVG charts: accessible names, escaped text, no inline style."""

import re

from classrooms.charts import BarItem, Series, bar_chart, legend, line_chart


def test_bar_chart_is_a_named_image_with_escaped_labels_and_no_style():
    svg = str(
        bar_chart(
            [BarItem("<script>Q1</script>", 50, "chart-bar-low", "3 answers")],
            title="Scores & more",
            max_value=100,
        )
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    (labelled_by,) = re.findall(r'aria-labelledby="([^"]+)"', svg)
    for element_id in labelled_by.split():
        assert f'id="{element_id}"' in svg
    assert "<title" in svg and "Scores &amp; more" in svg
    assert "<script>" not in svg and "&lt;script&gt;Q1" in svg
    assert "style" not in svg
    assert "50% · 3 answers" in svg


def test_bar_lengths_are_proportional_and_capped():
    svg = str(
        bar_chart(
            [BarItem("half", 5, ""), BarItem("over", 20, ""), BarItem("none", None)],
            title="Counts",
            max_value=10,
            unit="answers",
        )
    )
    widths = re.findall(
        r'class="chart-bar [^"]*" x="0" y="[\d.]+" width="([\d.]+)"', svg
    )
    assert [float(w) for w in widths] == [200.0, 400.0, 0.0]
    assert "5 answers" in svg and "no data" in svg


def test_two_charts_with_one_title_get_different_ids():
    first = str(bar_chart([], title="Same", max_value=1))
    second = str(bar_chart([], title="Same", max_value=1))
    assert re.findall(r'id="([^"]+)"', first) != re.findall(r'id="([^"]+)"', second)


def test_line_chart_skips_missing_points_and_differs_by_more_than_colour():
    series = [Series("Sourcing", [50, None, 100]), Series("Recall", [0, 25, 75])]
    svg = str(line_chart(series, title="Skills", x_labels=["1", "2", "3"]))
    assert 'role="img"' in svg and "style" not in svg
    groups = re.findall(r'<g class="chart-series-(\d)">(.*?)</g>', svg)
    assert [number for number, _ in groups] == ["1", "2"]
    assert groups[0][1].count("<circle") == 2  # no point for the missing value
    assert "stroke-dasharray" not in groups[0][1]
    assert 'stroke-dasharray="6 3"' in groups[1][1] and "<rect" in groups[1][1]
    assert "Sourcing: 1 50%, 2 no data, 3 100%" in svg
    assert "Sourcing" in str(legend(series)) and 'aria-hidden="true"' in str(
        legend(series)
    )
