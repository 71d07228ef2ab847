//! Views for progress over time: the stacked-column chart's geometry, the table that carries
//! the same figures, and the "changed since the previous report" lists. The chart is
//! decorative for assistive technology (the table is its equivalent); each status has a
//! fill pattern as well as a colour, so colour is never the only cue.

use serde::Serialize;

use super::views::{status_class, status_tag, Tag};
use crate::dates::DateView;
use crate::history::{Changes, DueChange, Snapshot, StatusChange};
use crate::model::addresses::action_url;
use crate::model::Plan;
use crate::strings::Strings;

const PLOT_TOP: f64 = 24.0;
const PLOT_HEIGHT: f64 = 200.0;
const AXIS_WIDTH: f64 = 40.0;
const COLUMN_WIDTH: f64 = 40.0;
const PITCH: f64 = 76.0;
const LABEL_SPACE: f64 = 44.0;
/// Actions with no status recorded: white, outlined.
const NONE_FILL: &str = "#ffffff";
/// Fill patterns, taken in turn by the statuses of the key.
const PATTERNS: usize = 4;

#[derive(Serialize)]
pub struct ChartView {
    pub width: f64,
    pub height: f64,
    pub plot_bottom: f64,
    /// Where the value axis ends and the columns begin.
    pub axis_x: f64,
    pub tick_x: f64,
    /// Baselines of the two lines of each column's date label.
    pub day_y: f64,
    pub year_y: f64,
    /// The last reporting date (the as-at date).
    pub latest: Option<DateView>,
    pub reported_once: bool,
    pub ticks: Vec<Tick>,
    pub columns: Vec<Column>,
    pub legend: Vec<LegendItem>,
    /// Fill patterns for this plan's statuses, defined once in the chart.
    pub patterns: Vec<Pattern>,
    pub table: TableView,
}

#[derive(Serialize)]
pub struct Tick {
    pub y: f64,
    pub value: usize,
}

#[derive(Serialize)]
pub struct Column {
    pub x: f64,
    pub width: f64,
    pub centre: f64,
    pub day_month: String,
    pub year: i32,
    pub total: usize,
    pub total_y: f64,
    pub segments: Vec<Bar>,
}

#[derive(Serialize)]
pub struct Bar {
    pub y: f64,
    pub height: f64,
    pub class: String,
    /// The status colour, as an attribute too: it shows where the stylesheet does not.
    pub fill: String,
    /// The pattern's id, or None for a plain fill.
    pub pattern: Option<String>,
}

#[derive(Serialize)]
pub struct LegendItem {
    pub label: String,
    pub class: String,
    pub fill: String,
    pub pattern: Option<String>,
}

#[derive(Serialize)]
pub struct Pattern {
    pub id: String,
    pub class: String,
    /// The colour that reads on the status colour, for the pattern's lines and dots.
    pub ink: &'static str,
    /// 1 diagonal lines, 2 dots, 3 cross-hatching.
    pub kind: usize,
}

#[derive(Serialize)]
pub struct TableView {
    pub headings: Vec<String>,
    pub show_not_recorded: bool,
    pub rows: Vec<TableRow>,
}

#[derive(Serialize)]
pub struct TableRow {
    pub date: DateView,
    pub is_as_at: bool,
    /// One per status, with the status's label: a narrow screen shows each row as a list.
    pub counts: Vec<LabelledCount>,
    pub not_recorded: usize,
    pub total: usize,
}

#[derive(Serialize)]
pub struct LabelledCount {
    pub label: String,
    pub count: usize,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A step of 1, 2 or 5 times a power of ten that gives at most five gridlines.
fn tick_step(max: usize) -> usize {
    let mut power = 1;
    loop {
        for step in [power, 2 * power, 5 * power] {
            if max.div_ceil(step) <= 5 {
                return step;
            }
        }
        power *= 10;
    }
}

fn pattern_id(plan: &Plan, index: usize) -> Option<String> {
    (!index.is_multiple_of(PATTERNS)).then(|| format!("pattern-{}-{}", plan.slug, index))
}

pub fn chart(
    s: &Strings,
    plan: &Plan,
    snapshots: &[Snapshot],
    as_at: chrono::NaiveDate,
) -> ChartView {
    let max_total = snapshots.iter().map(|s| s.total).max().unwrap_or(0).max(1);
    let step = tick_step(max_total);
    let top = max_total.div_ceil(step) * step;
    let scale = PLOT_HEIGHT / top as f64;
    let bottom = PLOT_TOP + PLOT_HEIGHT;
    let columns = snapshots
        .iter()
        .enumerate()
        .map(|(i, snap)| {
            column(
                s,
                plan,
                snap,
                AXIS_WIDTH + 16.0 + i as f64 * PITCH,
                bottom,
                scale,
            )
        })
        .collect();
    ChartView {
        width: AXIS_WIDTH + 16.0 + snapshots.len() as f64 * PITCH,
        height: bottom + LABEL_SPACE,
        plot_bottom: bottom,
        axis_x: AXIS_WIDTH,
        tick_x: AXIS_WIDTH - 6.0,
        day_y: bottom + 18.0,
        year_y: bottom + 36.0,
        latest: snapshots.last().map(|snap| s.date(snap.date)),
        reported_once: snapshots.len() <= 1,
        ticks: (0..=top / step)
            .map(|n| Tick {
                y: round1(bottom - (n * step) as f64 * scale),
                value: n * step,
            })
            .collect(),
        columns,
        legend: legend(s, plan, snapshots),
        patterns: plan
            .statuses
            .iter()
            .enumerate()
            .filter_map(|(i, status)| {
                Some(Pattern {
                    id: pattern_id(plan, i)?,
                    class: status_class(&plan.slug, &status.key),
                    ink: crate::colour::text_on(&status.colour),
                    kind: i % PATTERNS,
                })
            })
            .collect(),
        table: table(s, plan, snapshots, as_at),
    }
}

fn column(strings: &Strings, plan: &Plan, s: &Snapshot, x: f64, bottom: f64, scale: f64) -> Column {
    let mut y = bottom;
    let mut segments = Vec::new();
    let parts = s
        .counts
        .iter()
        .zip(&plan.statuses)
        .enumerate()
        .map(|(i, (&n, status))| {
            (
                n,
                status_class(&plan.slug, &status.key),
                status.colour.clone(),
                pattern_id(plan, i),
            )
        })
        .chain(std::iter::once((
            s.not_recorded,
            "seg--none".to_string(),
            NONE_FILL.to_string(),
            None,
        )));
    for (count, class, fill, pattern) in parts.filter(|(n, ..)| *n > 0) {
        let height = count as f64 * scale;
        y -= height;
        segments.push(Bar {
            y: round1(y),
            height: round1(height),
            class,
            fill,
            pattern,
        });
    }
    Column {
        x: round1(x),
        width: COLUMN_WIDTH,
        centre: round1(x + COLUMN_WIDTH / 2.0),
        day_month: strings.short_day_month(s.date),
        year: chrono::Datelike::year(&s.date),
        total: s.total,
        total_y: round1(y - 6.0),
        segments,
    }
}

/// Key order, top of the list = bottom of the stack; "No status recorded" only if it occurs.
fn legend(s: &Strings, plan: &Plan, snapshots: &[Snapshot]) -> Vec<LegendItem> {
    let mut items: Vec<LegendItem> = plan
        .statuses
        .iter()
        .enumerate()
        .map(|(i, s)| LegendItem {
            label: s.label.clone(),
            class: status_class(&plan.slug, &s.key),
            fill: s.colour.clone(),
            pattern: pattern_id(plan, i),
        })
        .collect();
    if snapshots.iter().any(|s| s.not_recorded > 0) {
        items.push(LegendItem {
            label: s.get("no_status_recorded").into(),
            class: "seg--none".into(),
            fill: NONE_FILL.into(),
            pattern: None,
        });
    }
    items
}

fn table(
    strings: &Strings,
    plan: &Plan,
    snapshots: &[Snapshot],
    as_at: chrono::NaiveDate,
) -> TableView {
    TableView {
        headings: plan.statuses.iter().map(|s| s.label.clone()).collect(),
        show_not_recorded: snapshots.iter().any(|s| s.not_recorded > 0),
        rows: snapshots
            .iter()
            .map(|s| TableRow {
                date: strings.date(s.date),
                is_as_at: s.date == as_at,
                counts: plan
                    .statuses
                    .iter()
                    .zip(&s.counts)
                    .map(|(status, &count)| LabelledCount {
                        label: status.label.clone(),
                        count,
                    })
                    .collect(),
                not_recorded: s.not_recorded,
                total: s.total,
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct ChangesView {
    pub previous: DateView,
    pub latest: DateView,
    pub empty: bool,
    pub completed: Vec<ChangeView>,
    pub status_changed: Vec<ChangeView>,
    pub new: Vec<ChangeView>,
    pub revised_due: Vec<DueChangeView>,
}

#[derive(Serialize)]
pub struct ChangeView {
    pub id: String,
    pub url: String,
    pub area_number: u32,
    pub from: Option<Tag>,
    pub to: Option<Tag>,
}

#[derive(Serialize)]
pub struct DueChangeView {
    pub id: String,
    pub url: String,
    pub area_number: u32,
    pub from: Option<DateView>,
    pub to: DateView,
}

fn change_view(plan: &Plan, c: &StatusChange<'_>) -> ChangeView {
    ChangeView {
        id: c.action.id.clone(),
        url: action_url(plan, c.action),
        area_number: c.area.number,
        from: status_tag(plan, c.from),
        to: status_tag(plan, c.to),
    }
}

fn due_change_view(s: &Strings, plan: &Plan, c: &DueChange<'_>) -> DueChangeView {
    DueChangeView {
        id: c.action.id.clone(),
        url: action_url(plan, c.action),
        area_number: c.area.number,
        from: c.from.map(|d| s.date(d)),
        to: s.date(c.to),
    }
}

pub fn changes_view(s: &Strings, plan: &Plan, c: &Changes<'_>) -> ChangesView {
    let list = |l: &[StatusChange<'_>]| l.iter().map(|x| change_view(plan, x)).collect();
    ChangesView {
        previous: s.date(c.previous),
        latest: s.date(c.latest),
        empty: c.is_empty(),
        completed: list(&c.completed),
        status_changed: list(&c.status_changed),
        new: list(&c.new),
        revised_due: c
            .revised_due
            .iter()
            .map(|x| due_change_view(s, plan, x))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(18), 5);
        assert_eq!(tick_step(72), 20);
        assert_eq!(tick_step(300), 100);
    }
}
