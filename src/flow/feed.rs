//! The upstream feed: the plant upstream delivers at its rate while up and nothing during an
//! outage (alternating random up and down times, if outages are configured). The feed tank
//! accepts what it can; what it offers and what the tank accepted are integrated here.

use super::spec::FeedSpec;
use crate::engine::{Sampler, StreamRng};

/// The upstream feed during one replication.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Offered while up, t/h.
    rate: f64,
    /// Delivering now.
    up: bool,
    /// Accepted into the feed tank now, t/h.
    accepted_rate: f64,
    /// Offered since 0, t.
    offered_t: f64,
    /// Accepted into the feed tank since 0, t.
    accepted_t: f64,
    /// Hours of outage since 0.
    outage_h: f64,
    /// Time the totals were brought up to date, hours.
    last_h: f64,
    /// The outages' random stream.
    rng: StreamRng,
    /// Time to outage and outage duration, hours (`None`: no outages).
    outages: Option<(Sampler, Sampler)>,
}

impl Feed {
    /// The feed of `spec` at time 0: up, nothing offered yet; outages drawn from `rng`.
    pub fn new(spec: &FeedSpec, rng: StreamRng) -> Feed {
        let sampler = |d| Sampler::new(d).expect("validated");
        Feed {
            rate: spec.rate,
            up: true,
            accepted_rate: 0.0,
            offered_t: 0.0,
            accepted_t: 0.0,
            outage_h: 0.0,
            last_h: 0.0,
            rng,
            outages: (spec.outage.as_ref())
                .map(|o| (sampler(&o.time_to_failure), sampler(&o.time_to_repair))),
        }
    }

    /// With outages configured: draws the time to the first outage, hours.
    pub fn first_outage_in(&mut self) -> Option<f64> {
        let (ttf, _) = self.outages.as_ref()?;
        Some(ttf.sample(&mut self.rng).max(0.0))
    }

    /// An outage starts (`up` false) or ends (true); returns the hours until the next toggle.
    /// Call [`advance`](Self::advance) first.
    pub fn set_up(&mut self, up: bool) -> f64 {
        self.up = up;
        let (ttf, ttr) = self.outages.as_ref().expect("outages configured");
        let next = if up { ttf } else { ttr };
        next.sample(&mut self.rng).max(0.0)
    }

    /// Offered now, t/h (0 during an outage).
    pub fn offered_rate(&self) -> f64 {
        if self.up { self.rate } else { 0.0 }
    }

    /// The feed tank accepts `t_per_h` t/h from now on (call after `advance`).
    pub fn set_accepted_rate(&mut self, t_per_h: f64) {
        self.accepted_rate = t_per_h;
    }

    /// Integrates offered, accepted and outage time up to `now_h`.
    pub fn advance(&mut self, now_h: f64) {
        let dt = now_h - self.last_h;
        if dt <= 0.0 {
            return;
        }
        if self.up {
            self.offered_t += self.rate * dt;
        } else {
            self.outage_h += dt;
        }
        self.accepted_t += self.accepted_rate * dt;
        self.last_h = now_h;
    }

    /// Offered since 0 (up to the last `advance`), t.
    pub fn offered_t(&self) -> f64 {
        self.offered_t
    }

    /// Accepted into the feed tank since 0, t.
    pub fn accepted_t(&self) -> f64 {
        self.accepted_t
    }

    /// Hours of outage since 0.
    pub fn outage_h(&self) -> f64 {
        self.outage_h
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{DistSpec, stream};
    use crate::flow::spec::{OutageSpec, WhenFull};

    fn spec(outage: Option<OutageSpec>) -> FeedSpec {
        FeedSpec {
            rate: 2.0,
            composition: vec![1.0],
            tank_capacity: None,
            when_full: WhenFull::Hold,
            outage,
        }
    }

    #[test]
    fn offers_while_up_and_counts_outage_hours() {
        let outage = OutageSpec {
            time_to_failure: DistSpec::Fixed { value: 5.0 },
            time_to_repair: DistSpec::Fixed { value: 3.0 },
        };
        let mut f = Feed::new(&spec(Some(outage)), stream(1, 0, 2));
        assert_eq!(f.first_outage_in(), Some(5.0));
        f.set_accepted_rate(1.5);
        f.advance(5.0);
        assert_eq!(f.set_up(false), 3.0, "the outage lasts its repair time");
        assert_eq!(f.offered_rate(), 0.0);
        f.advance(8.0);
        assert_eq!(f.set_up(true), 5.0);
        assert_eq!(f.offered_rate(), 2.0);
        assert_eq!(
            (f.offered_t(), f.accepted_t(), f.outage_h()),
            (10.0, 12.0, 3.0)
        );
    }

    #[test]
    fn without_outages_no_outage_is_drawn() {
        let mut f = Feed::new(&spec(None), stream(1, 0, 2));
        assert_eq!(f.first_outage_in(), None);
    }
}
