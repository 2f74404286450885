//! A layered drawing of the scenario graph for the SVG, so it needs no
//! Graphviz: the call flows left to right from the start, each reply's label
//! sits in the column just right of the caller line it answers, endings
//! share the last column.
//!
//! The classic steps (Sugiyama et al.): break loops with a depth-first
//! search from the start, rank by longest path, split every link into one
//! item per column it crosses, order each column by barycentres to cut
//! crossings, then place each column as close to its neighbours as spacing
//! allows (an isotonic regression, so it is exact per column).

/// How a spot's left and right sides run, so arrows meet slanted outlines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outline {
    Rect,
    /// Half-circle ends of this radius.
    Pill(f64),
    /// Pointed left and right sides, the points this far in.
    Hexagon(f64),
    /// Narrower at the top by this much on each side.
    NarrowTop(f64),
    /// Narrower at the bottom by this much on each side.
    NarrowBottom(f64),
    /// Pointed on the right only, like a flag or a tag.
    PointRight(f64),
}

/// What a spot is, for ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A caller line: ranked by the longest path from the start.
    Node,
    /// An ending: always in the last column.
    Ending,
    /// The "after any reply" source of threshold endings: in the last
    /// column of caller lines, next to the endings it leads to.
    AnyTurn,
}

#[derive(Debug, Clone)]
pub struct SpotIn {
    pub width: f64,
    pub height: f64,
    pub role: Role,
    pub outline: Outline,
}

#[derive(Debug, Clone)]
pub struct LinkIn {
    pub from: usize,
    pub to: usize,
    pub label_width: f64,
    pub label_height: f64,
    /// Higher goes first when looking for the main line of the call, so the
    /// best replies run straight from left to right.
    pub priority: i32,
    /// Drawn as straight as possible: the main line of the call.
    pub straight: bool,
}

/// A box by its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub cx: f64,
    pub cy: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn left(&self) -> f64 {
        self.cx - self.w / 2.0
    }
    pub fn right(&self) -> f64 {
        self.cx + self.w / 2.0
    }
    pub fn top(&self) -> f64 {
        self.cy - self.h / 2.0
    }
    pub fn bottom(&self) -> f64 {
        self.cy + self.h / 2.0
    }
}

#[derive(Debug, Clone)]
pub struct Drawing {
    pub spots: Vec<Rect>,
    pub labels: Vec<Rect>,
    /// An SVG path (`d`) per link, from its source through its label to its
    /// target, ending where the arrowhead goes.
    pub paths: Vec<String>,
    pub width: f64,
    pub height: f64,
}

/// Space between columns, room for the curves.
const COLUMN_GAP: f64 = 40.0;
const MARGIN: f64 = 12.0;
/// The start marker's room left of the first column.
pub const START_ROOM: f64 = 64.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Spot(usize),
    Label,
    Dummy,
}

#[derive(Debug, Clone)]
struct Item {
    kind: ItemKind,
    layer: usize,
    w: f64,
    h: f64,
    y: f64,
}

/// Lays out spots and links. Links from and to any spot are allowed,
/// loops included.
pub fn lay_out(spots: &[SpotIn], links: &[LinkIn], start: usize) -> Drawing {
    let ranks = rank(spots, links, start);

    let mut items: Vec<Item> = spots
        .iter()
        .enumerate()
        .map(|(i, s)| Item {
            kind: ItemKind::Spot(i),
            layer: 2 * ranks[i],
            w: s.width,
            h: s.height,
            y: 0.0,
        })
        .collect();
    // Each link becomes a chain of items in adjacent layers: its source, its
    // label just right of the source, a dummy per further layer crossed, and
    // its target. A link to an earlier layer turns back after its label.
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(links.len());
    for link in links {
        let (lu, lv) = (2 * ranks[link.from], 2 * ranks[link.to]);
        let mut chain = vec![link.from];
        items.push(Item {
            kind: ItemKind::Label,
            layer: lu + 1,
            w: link.label_width,
            h: link.label_height,
            y: 0.0,
        });
        chain.push(items.len() - 1);
        let dummy_layers: Vec<usize> = if lv > lu {
            (lu + 2..lv).collect()
        } else {
            (lv + 1..=lu).rev().collect()
        };
        for layer in dummy_layers {
            items.push(Item {
                kind: ItemKind::Dummy,
                layer,
                w: 0.0,
                h: 0.0,
                y: 0.0,
            });
            chain.push(items.len() - 1);
        }
        chain.push(link.to);
        chains.push(chain);
    }

    let layer_count = items.iter().map(|i| i.layer + 1).max().unwrap_or(1);
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); items.len()];
    // How hard each neighbour pulls an item level with it.
    let mut pulls: Vec<Vec<(usize, f64)>> = vec![Vec::new(); items.len()];
    for (chain, link) in chains.iter().zip(links) {
        let pull = if link.straight { 40.0 } else { 1.0 };
        for pair in chain.windows(2) {
            neighbours[pair[0]].push(pair[1]);
            neighbours[pair[1]].push(pair[0]);
            pulls[pair[0]].push((pair[1], pull));
            pulls[pair[1]].push((pair[0], pull));
        }
    }

    let mut layers = first_order(&items, &chains, links, spots.len(), start, layer_count);
    order(&items, &neighbours, &mut layers);
    place_vertically(&mut items, &pulls, &layers);

    // Columns: as wide as their widest item.
    let mut column_width = vec![0.0f64; layer_count];
    for item in &items {
        column_width[item.layer] = column_width[item.layer].max(item.w);
    }
    let mut column_left = vec![0.0; layer_count];
    let mut x = MARGIN + START_ROOM;
    for l in 0..layer_count {
        column_left[l] = x;
        x += column_width[l].max(8.0) + COLUMN_GAP;
    }
    let width = x - COLUMN_GAP + MARGIN;
    let top = items
        .iter()
        .map(|i| i.y - i.h / 2.0)
        .fold(f64::INFINITY, f64::min);
    let shift = MARGIN - if top.is_finite() { top } else { 0.0 };
    for item in &mut items {
        item.y += shift;
    }
    let height = items.iter().map(|i| i.y + i.h / 2.0).fold(0.0f64, f64::max) + MARGIN;

    let rect = |i: usize| {
        let item = &items[i];
        let w = if item.kind == ItemKind::Dummy {
            column_width[item.layer].max(8.0)
        } else {
            item.w
        };
        Rect {
            cx: column_left[item.layer] + column_width[item.layer].max(8.0) / 2.0,
            cy: item.y,
            w,
            h: item.h,
        }
    };

    let ports = Ports::new(&items, &chains, spots, &rect);
    let paths = chains
        .iter()
        .enumerate()
        .map(|(c, chain)| route(c, chain, &items, spots, &rect, &ports))
        .collect();

    Drawing {
        spots: (0..spots.len()).map(rect).collect(),
        labels: chains.iter().map(|c| rect(c[1])).collect(),
        paths,
        width,
        height,
    }
}

/// Ranks spots: caller lines by the longest path from the start once loops
/// are broken, endings after all of them.
fn rank(spots: &[SpotIn], links: &[LinkIn], start: usize) -> Vec<usize> {
    let n = spots.len();
    let is_node = |i: usize| spots[i].role == Role::Node;
    let mut out: Vec<Vec<(i32, usize, usize)>> = vec![Vec::new(); n];
    for (k, l) in links.iter().enumerate() {
        if l.from != l.to && is_node(l.from) && is_node(l.to) {
            out[l.from].push((-l.priority, k, l.to));
        }
    }
    for o in &mut out {
        o.sort();
    }
    // Depth-first from the start, best replies first: a link to a spot still
    // on the stack closes a loop and is left out of the ranking.
    let mut state = vec![0u8; n];
    let mut back = vec![false; links.len()];
    let roots = std::iter::once(start).chain((0..n).filter(|&i| is_node(i)));
    for root in roots {
        if root >= n || state[root] != 0 || !is_node(root) {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&(_, k, w)) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => back[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // Longest path over what is left (a DAG), by repeated relaxation in
    // topological order (Kahn).
    let mut indegree = vec![0usize; n];
    let forward: Vec<(usize, usize)> = links
        .iter()
        .enumerate()
        .filter(|&(k, l)| l.from != l.to && is_node(l.from) && is_node(l.to) && !back[k])
        .map(|(_, l)| (l.from, l.to))
        .collect();
    for &(_, v) in &forward {
        indegree[v] += 1;
    }
    let mut ranks = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&i| is_node(i) && indegree[i] == 0).collect();
    while let Some(u) = ready.pop() {
        for &(a, b) in &forward {
            if a == u {
                ranks[b] = ranks[b].max(ranks[u] + 1);
                indegree[b] -= 1;
                if indegree[b] == 0 {
                    ready.push(b);
                }
            }
        }
    }
    let last = (0..n)
        .filter(|&i| is_node(i))
        .map(|i| ranks[i])
        .max()
        .unwrap_or(0);
    for (i, s) in spots.iter().enumerate() {
        match s.role {
            Role::Node => {}
            Role::Ending => ranks[i] = last + 1,
            Role::AnyTurn => ranks[i] = last,
        }
    }
    ranks
}

/// A first order per layer: spots in the order a walk from the start meets
/// them, each followed by its links' items.
fn first_order(
    items: &[Item],
    chains: &[Vec<usize>],
    links: &[LinkIn],
    spot_count: usize,
    start: usize,
    layer_count: usize,
) -> Vec<Vec<usize>> {
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); layer_count];
    let mut placed = vec![false; items.len()];
    let mut place = |i: usize, layers: &mut Vec<Vec<usize>>| {
        if !placed[i] {
            placed[i] = true;
            layers[items[i].layer].push(i);
        }
    };
    let mut by_source: Vec<Vec<usize>> = vec![Vec::new(); spot_count];
    for (k, l) in links.iter().enumerate() {
        by_source[l.from].push(k);
    }
    for list in &mut by_source {
        list.sort_by_key(|&k| -links[k].priority);
    }
    let mut queue = std::collections::VecDeque::from([start.min(spot_count.saturating_sub(1))]);
    let mut seen = vec![false; spot_count];
    let mut next_root = 0;
    loop {
        let Some(s) = queue.pop_front() else {
            while next_root < spot_count && seen[next_root] {
                next_root += 1;
            }
            if next_root == spot_count {
                break;
            }
            queue.push_back(next_root);
            continue;
        };
        if s >= spot_count || seen[s] {
            continue;
        }
        seen[s] = true;
        place(s, &mut layers);
        for &k in &by_source[s] {
            for &i in &chains[k][1..chains[k].len() - 1] {
                place(i, &mut layers);
            }
            queue.push_back(links[k].to);
        }
    }
    for (i, _) in items.iter().enumerate() {
        place(i, &mut layers);
    }
    layers
}

/// Reorders each layer to cut crossings: barycentre sweeps down and up,
/// then swapping neighbours while it helps. Keeps the best order seen.
fn order(items: &[Item], neighbours: &[Vec<usize>], layers: &mut [Vec<usize>]) {
    let mut pos = vec![0usize; items.len()];
    let index = |layers: &[Vec<usize>], pos: &mut Vec<usize>| {
        for layer in layers {
            for (p, &i) in layer.iter().enumerate() {
                pos[i] = p;
            }
        }
    };
    index(layers, &mut pos);
    let mut best = layers.to_vec();
    let mut best_crossings = crossings(items, neighbours, layers, &pos);
    let count = layers.len();
    for round in 0..24 {
        let down = round % 2 == 0;
        let sequence: Vec<usize> = if down {
            (1..count).collect()
        } else {
            (0..count.saturating_sub(1)).rev().collect()
        };
        for l in sequence {
            let toward = if down { l - 1 } else { l + 1 };
            let mut keyed: Vec<(f64, usize, usize)> = layers[l]
                .iter()
                .map(|&i| {
                    let near: Vec<f64> = neighbours[i]
                        .iter()
                        .filter(|&&j| items[j].layer == toward)
                        .map(|&j| pos[j] as f64)
                        .collect();
                    let bary = if near.is_empty() {
                        pos[i] as f64
                    } else {
                        near.iter().sum::<f64>() / near.len() as f64
                    };
                    (bary, pos[i], i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[l] = keyed.into_iter().map(|(_, _, i)| i).collect();
            for (p, &i) in layers[l].iter().enumerate() {
                pos[i] = p;
            }
        }
        transpose(items, neighbours, layers, &mut pos);
        let c = crossings(items, neighbours, layers, &pos);
        if c < best_crossings {
            best_crossings = c;
            best = layers.to_vec();
        }
        if c == 0 {
            break;
        }
    }
    layers.clone_from_slice(&best);
}

/// Swaps adjacent items while that lowers the crossings around their layer.
fn transpose(items: &[Item], neighbours: &[Vec<usize>], layers: &mut [Vec<usize>], pos: &mut [usize]) {
    for _ in 0..8 {
        let mut improved = false;
        for layer in layers.iter_mut() {
            for p in 0..layer.len().saturating_sub(1) {
                let (a, b) = (layer[p], layer[p + 1]);
                let before = pair_crossings(items, neighbours, pos, a, b);
                let after = pair_crossings(items, neighbours, pos, b, a);
                if after < before {
                    layer.swap(p, p + 1);
                    pos[a] = p + 1;
                    pos[b] = p;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between the segments of `first` and of `second` when `first`
/// is directly above `second`.
fn pair_crossings(
    items: &[Item],
    neighbours: &[Vec<usize>],
    pos: &[usize],
    first: usize,
    second: usize,
) -> usize {
    let layer = items[first].layer;
    let mut n = 0;
    for &x in &neighbours[first] {
        for &y in &neighbours[second] {
            let (lx, ly) = (items[x].layer, items[y].layer);
            if lx == ly && lx != layer && pos[x] > pos[y] {
                n += 1;
            }
        }
    }
    n
}

fn crossings(items: &[Item], neighbours: &[Vec<usize>], layers: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for (l, layer) in layers.iter().enumerate() {
        let segments: Vec<(usize, usize)> = layer
            .iter()
            .flat_map(|&i| {
                neighbours[i]
                    .iter()
                    .filter(move |&&j| items[j].layer == l + 1)
                    .map(move |&j| (pos[i], pos[j]))
            })
            .collect();
        for (a, s) in segments.iter().enumerate() {
            for t in &segments[a + 1..] {
                if (s.0 < t.0 && s.1 > t.1) || (s.0 > t.0 && s.1 < t.1) {
                    total += 1;
                }
            }
        }
    }
    total
}

/// Space kept between two items stacked in one column.
fn gap(a: &Item, b: &Item) -> f64 {
    let spacing = match (a.kind, b.kind) {
        (ItemKind::Spot(_), ItemKind::Spot(_)) => 26.0,
        (ItemKind::Dummy, ItemKind::Dummy) => 9.0,
        (ItemKind::Label, ItemKind::Label) => 8.0,
        _ => 12.0,
    };
    (a.h + b.h) / 2.0 + spacing
}

/// Places each layer's items as near the mean height of their neighbours as
/// the spacing allows, sweeping back and forth until it settles.
fn place_vertically(items: &mut [Item], pulls: &[Vec<(usize, f64)>], layers: &[Vec<usize>]) {
    for layer in layers {
        let mut y = 0.0;
        for (p, &i) in layer.iter().enumerate() {
            if p > 0 {
                y += gap(&items[layer[p - 1]], &items[i]);
            }
            items[i].y = y;
        }
    }
    let count = layers.len();
    for round in 0..60 {
        let sequence: Vec<usize> = if round % 2 == 0 {
            (0..count).collect()
        } else {
            (0..count).rev().collect()
        };
        for l in sequence {
            let layer = &layers[l];
            if layer.is_empty() {
                continue;
            }
            let desired: Vec<f64> = layer
                .iter()
                .map(|&i| {
                    let near = &pulls[i];
                    let weight: f64 = near.iter().map(|&(_, w)| w).sum();
                    if near.is_empty() {
                        items[i].y
                    } else {
                        near.iter().map(|&(j, w)| items[j].y * w).sum::<f64>() / weight
                    }
                })
                .collect();
            // Items with strong pulls (the main line, spots with many links)
            // hold their place against the crowd of long edges around them.
            let weights: Vec<f64> = layer
                .iter()
                .map(|&i| 0.5 + pulls[i].iter().map(|&(_, w)| w).sum::<f64>() * 0.5)
                .collect();
            let seps: Vec<f64> = layer
                .windows(2)
                .map(|w| gap(&items[w[0]], &items[w[1]]))
                .collect();
            let ys = isotonic(&desired, &weights, &seps);
            for (&i, y) in layer.iter().zip(ys) {
                items[i].y = y;
            }
        }
    }
}

/// The heights nearest `desired` (weighted least squares) with each item at
/// least `seps[i]` below the one before: pool adjacent violators.
fn isotonic(desired: &[f64], weights: &[f64], seps: &[f64]) -> Vec<f64> {
    let mut offset = vec![0.0; desired.len()];
    for i in 1..desired.len() {
        offset[i] = offset[i - 1] + seps[i - 1];
    }
    // (weight, weighted sum, count)
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for i in 0..desired.len() {
        blocks.push((weights[i], weights[i] * (desired[i] - offset[i]), 1));
        while blocks.len() > 1 {
            let b = blocks[blocks.len() - 1];
            let a = blocks[blocks.len() - 2];
            if a.1 / a.0 > b.1 / b.0 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(desired.len());
    for (w, s, n) in blocks {
        for _ in 0..n {
            let i = out.len();
            out.push(s / w + offset[i]);
        }
    }
    out
}

/// Where links meet a spot's sides: spread along the side, in the order of
/// what they come from or go to, so they do not cross at the spot.
/// A spot and whether its right side.
type Side = (usize, bool);
/// The other end's height, the chain, and whether the spot is its source.
type Attachment = (f64, usize, bool);

struct Ports {
    /// For each chain, the y where it leaves its source and meets its target.
    leave: Vec<f64>,
    arrive: Vec<f64>,
}

impl Ports {
    fn new(items: &[Item], chains: &[Vec<usize>], spots: &[SpotIn], rect: &dyn Fn(usize) -> Rect) -> Ports {
        let mut sides: std::collections::HashMap<Side, Vec<Attachment>> = std::collections::HashMap::new();
        for (c, chain) in chains.iter().enumerate() {
            let source = chain[0];
            let target = chain[chain.len() - 1];
            sides
                .entry((source, true))
                .or_default()
                .push((rect(chain[1]).cy - 0.1, c, true));
            let before = chain[chain.len() - 2];
            let right = items[before].layer > items[target].layer;
            sides
                .entry((target, right))
                .or_default()
                .push((rect(before).cy + 0.1, c, false));
        }
        let mut leave = vec![0.0; chains.len()];
        let mut arrive = vec![0.0; chains.len()];
        for ((spot, _), mut list) in sides {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let r = rect(spot);
            let inset = match spots[spot].outline {
                Outline::Pill(radius) => radius * 0.55,
                _ => 7.0,
            };
            let room = (r.h - 2.0 * inset).max(0.0);
            let step = if list.len() > 1 {
                (room / (list.len() - 1) as f64).min(11.0)
            } else {
                0.0
            };
            let first = r.cy - step * (list.len() - 1) as f64 / 2.0;
            for (k, &(_, c, is_source)) in list.iter().enumerate() {
                let y = first + step * k as f64;
                if is_source {
                    leave[c] = y;
                } else {
                    arrive[c] = y;
                }
            }
        }
        Ports { leave, arrive }
    }
}

/// Where a horizontal line at `y` meets the outline's left or right side.
fn side_x(outline: Outline, r: &Rect, y: f64, right: bool) -> f64 {
    let dy = (y - r.cy).abs().min(r.h / 2.0);
    let t = (y - r.top()) / r.h.max(1.0);
    let inset = match outline {
        Outline::Rect => 0.0,
        Outline::Pill(radius) => {
            let from_centre = (dy - (r.h / 2.0 - radius)).max(0.0);
            radius - (radius * radius - from_centre * from_centre).max(0.0).sqrt()
        }
        Outline::Hexagon(point) => point * dy / (r.h / 2.0).max(1.0),
        Outline::NarrowTop(by) => by * (1.0 - t),
        Outline::NarrowBottom(by) => by * t,
        Outline::PointRight(point) => {
            if right {
                point * dy / (r.h / 2.0).max(1.0)
            } else {
                0.0
            }
        }
    };
    if right {
        r.right() - inset
    } else {
        r.left() + inset
    }
}

/// A link's path: smooth curves between columns, straight through them.
fn route(
    c: usize,
    chain: &[usize],
    items: &[Item],
    spots: &[SpotIn],
    rect: &dyn Fn(usize) -> Rect,
    ports: &Ports,
) -> String {
    let mut d = String::new();
    let source = rect(chain[0]);
    let mut at = (
        side_x(spots[chain[0]].outline, &source, ports.leave[c], true),
        ports.leave[c],
    );
    push(&mut d, 'M', &[at]);
    for k in 1..chain.len() {
        let item = &items[chain[k]];
        let r = rect(chain[k]);
        let moving_right = item.layer > items[chain[k - 1]].layer;
        let last = k == chain.len() - 1;
        let y = if last { ports.arrive[c] } else { r.cy };
        let entry_x = if last {
            side_x(spots[chain[k]].outline, &r, y, !moving_right)
        } else if moving_right {
            r.left()
        } else {
            r.right()
        };
        if items[chain[k - 1]].kind == ItemKind::Label && !moving_right {
            // Leaving a label to go back left: out of its top or bottom, so
            // the way in and the way back are told apart.
            let label = rect(chain[k - 1]);
            let up = y < label.cy;
            let exit = (
                label.left() + 10.0_f64.min(label.w / 3.0),
                if up { label.top() } else { label.bottom() },
            );
            push(&mut d, 'L', &[exit]);
            let reach = ((exit.1 - y).abs() * 0.6).clamp(12.0, 40.0);
            let bend = (exit.0 - entry_x).abs().max(30.0) * 0.5;
            let c1 = (exit.0, if up { exit.1 - reach } else { exit.1 + reach });
            push(&mut d, 'C', &[c1, (entry_x + bend, y), (entry_x, y)]);
        } else {
            let dx = (entry_x - at.0) * 0.5;
            push(&mut d, 'C', &[(at.0 + dx, at.1), (entry_x - dx, y), (entry_x, y)]);
        }
        at = (entry_x, y);
        let turns_back_here = item.kind == ItemKind::Label
            && chain
                .get(k + 1)
                .is_some_and(|&next| items[next].layer < item.layer);
        if !last && !turns_back_here {
            // Straight through the item to its far side.
            at = (if moving_right { r.right() } else { r.left() }, y);
            push(&mut d, 'L', &[at]);
        }
    }
    d
}

fn push(d: &mut String, command: char, points: &[(f64, f64)]) {
    use std::fmt::Write as _;
    d.push(command);
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            d.push(' ');
        }
        let _ = write!(d, "{x:.1},{y:.1}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_keeps_spacing_and_order() {
        let ys = isotonic(&[10.0, 0.0, 5.0], &[1.0, 1.0, 1.0], &[10.0, 10.0]);
        assert!(
            ys[1] - ys[0] >= 10.0 - 1e-9 && ys[2] - ys[1] >= 10.0 - 1e-9,
            "{ys:?}"
        );
        // Unconstrained items stay where they want to be.
        let free = isotonic(&[0.0, 50.0], &[1.0, 1.0], &[10.0]);
        assert_eq!(free, vec![0.0, 50.0]);
    }

    #[test]
    fn a_chain_is_drawn_left_to_right_and_loops_turn_back() {
        let spot = |role| SpotIn {
            width: 100.0,
            height: 40.0,
            role,
            outline: Outline::Rect,
        };
        let link = |from, to| LinkIn {
            from,
            to,
            label_width: 60.0,
            label_height: 20.0,
            priority: 0,
            straight: false,
        };
        let spots = [spot(Role::Node), spot(Role::Node), spot(Role::Ending)];
        let links = [link(0, 1), link(1, 0), link(1, 2)];
        let d = lay_out(&spots, &links, 0);
        assert!(d.spots[0].cx < d.spots[1].cx && d.spots[1].cx < d.spots[2].cx);
        // The loop back ends on the first spot's right side.
        let end = d.paths[1].rsplit(' ').next().expect("a point");
        let x: f64 = end
            .split(',')
            .next()
            .and_then(|x| x.parse().ok())
            .expect("a number");
        assert!((x - d.spots[0].right()).abs() < 0.5, "{}", d.paths[1]);
        // Every label sits right of the spot its link leaves.
        for (k, l) in links.iter().enumerate() {
            assert!(d.labels[k].left() > d.spots[l.from].right(), "label {k}");
        }
    }
}
