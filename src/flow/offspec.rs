//! Off-spec material leaving the plant's books as product: batches below spec and liquor
//! diverted during fixed restart windows, scrapped (out of the plant) or recycled (back to a
//! source tank; only the amount is counted here, the tank takes the mass).

/// Scrapped and recycled off-spec since time 0.
#[derive(Debug, Clone)]
pub struct OffSpec {
    /// Scrapped since 0, t per element, up to `last_h`.
    scrapped: Vec<f64>,
    /// Diverted liquor scrapped now, t/h per element.
    rate: Vec<f64>,
    /// Time `scrapped` was brought up to date, hours.
    last_h: f64,
    /// Recycled since 0, t.
    recycled_t: f64,
}

impl OffSpec {
    /// Nothing scrapped or recycled yet, for `elements` elements.
    pub fn new(elements: usize) -> OffSpec {
        OffSpec {
            scrapped: vec![0.0; elements],
            rate: vec![0.0; elements],
            last_h: 0.0,
            recycled_t: 0.0,
        }
    }

    /// Integrates the diverted scrap rate up to `now_h`.
    pub fn advance(&mut self, now_h: f64) {
        let dt = now_h - self.last_h;
        if dt > 0.0 {
            for (s, r) in self.scrapped.iter_mut().zip(&self.rate) {
                *s += r * dt;
            }
            self.last_h = now_h;
        }
    }

    /// Diverted liquor scrapped from now on: none (call after `advance`, then add).
    pub fn clear_rate(&mut self) {
        self.rate.iter_mut().for_each(|x| *x = 0.0);
    }

    /// Adds `t_per_h` of element `e` to the diverted liquor scrapped from now on.
    pub fn add_rate(&mut self, e: usize, t_per_h: f64) {
        self.rate[e] += t_per_h;
    }

    /// A batch below spec is scrapped, t per element.
    pub fn scrap(&mut self, mass: &[f64]) {
        self.scrapped
            .iter_mut()
            .zip(mass)
            .for_each(|(a, m)| *a += m);
    }

    /// A batch below spec of `t` t goes back to a source tank.
    pub fn recycle(&mut self, t: f64) {
        self.recycled_t += t;
    }

    /// Scrapped since 0 (up to the last `advance`), t per element.
    pub fn scrapped(&self) -> &[f64] {
        &self.scrapped
    }

    /// Recycled since 0, t.
    pub fn recycled_t(&self) -> f64 {
        self.recycled_t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrap_integrates_the_diverted_rate_and_adds_batches() {
        let mut o = OffSpec::new(2);
        o.add_rate(1, 0.5);
        o.advance(4.0);
        o.scrap(&[1.0, 0.0]);
        o.clear_rate();
        o.advance(10.0);
        o.recycle(3.0);
        assert_eq!(o.scrapped(), &[1.0, 2.0]);
        assert_eq!(o.recycled_t(), 3.0);
    }
}
