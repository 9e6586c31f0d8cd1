//! Administrative divisions (GB/T 2260) for the optional statistics region.

use std::collections::BTreeMap;

/// A 6-digit division code that exists in the built-in table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(u32);

impl RegionCode {
    pub fn as_u32(self) -> u32 {
        self.0
    }
    /// The province the code lies in (`330106` → `330000`).
    pub fn province(self) -> RegionCode {
        RegionCode(self.0 / 10_000 * 10_000)
    }
}

impl std::fmt::Display for RegionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// One division, with the names of the levels above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    /// "浙江省 杭州市" style path, for display.
    pub full_name: String,
    /// 1 province, 2 prefecture, 3 county.
    pub depth: u8,
}

/// The table of divisions, loaded once.
#[derive(Debug, Default)]
pub struct Regions {
    by_code: BTreeMap<RegionCode, Region>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("a region code has 6 digits")]
    Format,
    #[error("no administrative division has code {0}")]
    Unknown(String),
}

fn rows(csv: &str) -> impl Iterator<Item = (u32, String)> + '_ {
    csv.lines().skip(1).filter_map(|line| {
        let (code, rest) = line.split_once(',')?;
        let name = rest.strip_prefix('"')?.split('"').next()?.to_string();
        Some((code.trim().parse().ok()?, name))
    })
}

impl Regions {
    /// Builds the table from the provinces, cities and counties CSV files.
    pub fn from_csv(provinces: &str, cities: &str, counties: &str) -> Regions {
        let mut by_code = BTreeMap::new();
        for (code, name) in rows(provinces) {
            let code = RegionCode(code * 10_000);
            by_code.insert(
                code,
                Region {
                    code,
                    full_name: name.clone(),
                    name,
                    depth: 1,
                },
            );
        }
        for (code, name) in rows(cities) {
            let code = RegionCode(code * 100);
            let parent = by_code.get(&code.province()).map(|p| p.full_name.clone());
            let full_name = match parent {
                Some(p) => format!("{p} {name}"),
                None => name.clone(),
            };
            by_code.insert(
                code,
                Region {
                    code,
                    name,
                    full_name,
                    depth: 2,
                },
            );
        }
        for (code, name) in rows(counties) {
            let code = RegionCode(code);
            let parent = by_code
                .get(&RegionCode(code.0 / 100 * 100))
                .map(|p| p.full_name.clone());
            let full_name = match parent {
                Some(p) => format!("{p} {name}"),
                None => name.clone(),
            };
            // A few prefecture-level cities without counties (东莞, 中山, 儋州) list themselves
            // again as a county; keep them as prefectures.
            by_code.entry(code).or_insert(Region {
                code,
                name,
                full_name,
                depth: 3,
            });
        }
        Regions { by_code }
    }

    /// Parses and checks a code typed or chosen by a person.
    pub fn parse(&self, input: &str) -> Result<RegionCode, RegionError> {
        let input = input.trim();
        if input.len() != 6 || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionError::Format);
        }
        let code = RegionCode(input.parse().map_err(|_| RegionError::Format)?);
        if self.by_code.contains_key(&code) {
            Ok(code)
        } else {
            Err(RegionError::Unknown(input.to_string()))
        }
    }

    pub fn get(&self, code: RegionCode) -> Option<&Region> {
        self.by_code.get(&code)
    }

    /// Provinces and prefectures: the choices offered for statistics (coarse on purpose).
    /// Placeholder groupings such as 市辖区 are left out: their province is the choice.
    pub fn choices(&self) -> impl Iterator<Item = &Region> {
        self.by_code
            .values()
            .filter(|r| r.depth <= 2 && !r.name.contains("辖"))
    }

    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Regions {
        let (p, c, a) = crate::content::region_tables().unwrap();
        Regions::from_csv(&p, &c, &a)
    }

    #[test]
    fn loads_all_levels() {
        let r = table();
        assert_eq!(r.choices().filter(|x| x.depth == 1).count(), 31);
        assert_eq!(r.len(), 31 + 342 + 2978 - 3);
        assert!(r.choices().filter(|x| x.depth == 2).count() > 320);
        assert!(r.choices().all(|x| !x.full_name.contains("市辖区")));
        assert_eq!(
            r.get(r.parse("441900").unwrap()).unwrap().depth,
            2,
            "东莞 stays a prefecture"
        );
        let code = r.parse("330100").unwrap();
        assert_eq!(r.get(code).unwrap().full_name, "浙江省 杭州市");
        assert_eq!(r.parse("110101").unwrap().province().to_string(), "110000");
    }

    #[test]
    fn rejects_bad_codes() {
        let r = table();
        assert_eq!(r.parse("12345"), Err(RegionError::Format));
        assert_eq!(r.parse("abcdef"), Err(RegionError::Format));
        assert_eq!(
            r.parse("990000"),
            Err(RegionError::Unknown("990000".into()))
        );
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in ".{0,12}") {
            let _ = table().parse(&s);
        }
    }
}
