from flows.progress import Progress


def test_progress_reports_rate_and_time_left_at_most_every_interval():
    now = [0.0]
    lines: list[str] = []
    p = Progress(1000, lines.append, every=2.0, clock=lambda: now[0])
    now[0] = 1.0
    p.advance(100)  # too soon after the start: no report
    assert lines == []
    now[0] = 2.5
    p.advance(150)
    assert lines == ["250/1,000 releases (25%), 100/s, 8 s left"]
    now[0] = 3.0
    p.advance(750)  # the last batch is always reported
    assert lines[-1] == "1,000/1,000 releases (100%), 333/s, 0 s left"
