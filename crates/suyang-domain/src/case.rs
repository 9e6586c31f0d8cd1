//! 1EdTech CASE 1.1 (Competencies and Academic Standards Exchange): the framework as a
//! CFPackage and back.
//!
//! Mapping: areas, competences and level descriptors are CFItems (types "Competence Area",
//! "Competence", "Proficiency Level") joined by `isChildOf`; DigComp 2.2 correspondences are
//! `isRelatedTo` associations. CASE carries one language per item, so the full language maps
//! (and the self-assessment statement) travel in each object's `extensions.suyang`; a package
//! without them imports in its declared language.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::content::derived_id;
use crate::framework::{Area, Competence, Framework, FrameworkError, Level, LevelDescriptor};
use crate::text::LocalizedText;

pub const AREA_TYPE: &str = "Competence Area";
pub const COMPETENCE_TYPE: &str = "Competence";
pub const LEVEL_TYPE: &str = "Proficiency Level";
/// Where DigComp 2.2 is published; its competences are addressed by fragment.
pub const DIGCOMP_URI: &str = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkUri {
    pub title: String,
    pub identifier: String,
    pub uri: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkGenUri {
    pub title: String,
    pub identifier: String,
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfDocument {
    pub identifier: String,
    pub uri: String,
    pub creator: String,
    pub title: String,
    pub last_change_date_time: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "officialSourceURL"
    )]
    pub official_source_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adoption_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_version: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "licenseURI"
    )]
    pub license_uri: Option<LinkUri>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFPackageURI"
    )]
    pub package_uri: Option<LinkUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfItem {
    pub identifier: String,
    pub full_statement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_label: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFItemType"
    )]
    pub item_type: Option<String>,
    pub uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_coding_scheme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_enumeration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abbreviated_statement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concept_keywords: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFItemTypeURI"
    )]
    pub item_type_uri: Option<LinkUri>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "licenseURI"
    )]
    pub license_uri: Option<LinkUri>,
    pub last_change_date_time: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFDocumentURI"
    )]
    pub document_uri: Option<LinkUri>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CfAssociation {
    pub identifier: String,
    pub association_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_number: Option<i64>,
    pub uri: String,
    #[serde(rename = "originNodeURI")]
    pub origin: LinkGenUri,
    #[serde(rename = "destinationNodeURI")]
    pub destination: LinkGenUri,
    pub last_change_date_time: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        rename = "CFDocumentURI"
    )]
    pub document_uri: Option<LinkUri>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CfPackage {
    #[serde(rename = "CFDocument")]
    pub document: CfDocument,
    #[serde(rename = "CFItems", default)]
    pub items: Vec<CfItem>,
    #[serde(rename = "CFAssociations", default)]
    pub associations: Vec<CfAssociation>,
    #[serde(
        rename = "CFDefinitions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub definitions: Option<Value>,
}

/// Why a CASE package cannot be imported. Every variant names the place in the package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("not a CASE package: {path}: {message}")]
    Shape { path: String, message: String },
    #[error("{path}: {value:?} is not a UUID (CASE identifiers are UUIDs)")]
    NotUuid { path: String, value: String },
    #[error("{path}: {value:?} is not an RFC 3339 date-time")]
    BadDate { path: String, value: String },
    #[error("identifier {0} is used by two items")]
    DuplicateItem(String),
    #[error(
        "CFAssociations[{index}]: {end} node {identifier} is neither the document nor an item of the package"
    )]
    DanglingAssociation {
        index: usize,
        end: &'static str,
        identifier: String,
    },
    #[error("item {0} has more than one parent (isChildOf)")]
    TwoParents(String),
    #[error("item {0} is placed too deep: the framework has areas, competences and levels")]
    TooDeep(String),
    #[error("the package has {0} items; at most {max} can be imported", max = crate::framework::MAX_ITEMS)]
    TooLarge(usize),
    #[error("the framework is not valid: {0}")]
    Invalid(#[from] FrameworkError),
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// URLs of the CASE provider endpoints under a base URL.
#[derive(Debug, Clone)]
pub struct CaseUris {
    root: String,
}

impl CaseUris {
    pub fn new(public_url: &str) -> Self {
        CaseUris {
            root: format!("{}/ims/case/v1p1", public_url.trim_end_matches('/')),
        }
    }
    pub fn document(&self, id: Uuid) -> String {
        format!("{}/CFDocuments/{id}", self.root)
    }
    pub fn package(&self, id: Uuid) -> String {
        format!("{}/CFPackages/{id}", self.root)
    }
    pub fn item(&self, id: Uuid) -> String {
        format!("{}/CFItems/{id}", self.root)
    }
    pub fn association(&self, id: Uuid) -> String {
        format!("{}/CFAssociations/{id}", self.root)
    }
    pub fn item_type(&self, name: &str) -> String {
        format!(
            "{}/CFItemTypes/{}",
            self.root,
            derived_id(&format!("case/item-type/{name}"))
        )
    }
}

fn primary(text: &LocalizedText, language: &str) -> String {
    text.exact(language)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            text.0
                .values()
                .find(|v| !v.is_empty())
                .cloned()
                .unwrap_or_default()
        })
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// The CFDocument of a framework, as `GET /CFDocuments` lists it.
pub fn document(f: &Framework, uris: &CaseUris, changed: OffsetDateTime) -> CfDocument {
    CfDocument {
        identifier: f.id.to_string(),
        uri: uris.document(f.id),
        creator: f.publisher.clone(),
        title: primary(&f.title, &f.language),
        last_change_date_time: rfc3339(changed),
        official_source_url: None,
        publisher: Some(f.publisher.clone()),
        description: non_empty(primary(&f.description, &f.language)),
        language: Some(f.language.clone()),
        version: Some(f.version.clone()),
        adoption_status: Some("Adopted".into()),
        case_version: Some("1.1".into()),
        license_uri: f.licence.as_ref().map(|l| LinkUri {
            title: licence_title(l),
            identifier: derived_id(&format!("licence/{l}")).to_string(),
            uri: l.clone(),
        }),
        package_uri: Some(LinkUri {
            title: primary(&f.title, &f.language),
            identifier: f.id.to_string(),
            uri: uris.package(f.id),
        }),
        notes: None,
        extensions: Some(json!({ "suyang": { "title": f.title, "description": f.description } })),
    }
}

fn licence_title(uri: &str) -> String {
    if uri.contains("creativecommons.org/licenses/by/4.0") {
        "CC BY 4.0".into()
    } else {
        uri.to_string()
    }
}

struct Exporter<'a> {
    f: &'a Framework,
    uris: &'a CaseUris,
    changed: String,
    items: Vec<CfItem>,
    associations: Vec<CfAssociation>,
}

impl Exporter<'_> {
    fn item(
        &mut self,
        id: Uuid,
        kind: &str,
        code: String,
        statement: &LocalizedText,
        ext: Value,
    ) -> CfItem {
        let lang = &self.f.language;
        CfItem {
            identifier: id.to_string(),
            full_statement: primary(statement, lang),
            alternative_label: None,
            item_type: Some(kind.into()),
            uri: self.uris.item(id),
            human_coding_scheme: Some(code),
            list_enumeration: None,
            abbreviated_statement: None,
            concept_keywords: None,
            notes: None,
            language: Some(lang.clone()),
            item_type_uri: Some(LinkUri {
                title: kind.into(),
                identifier: derived_id(&format!("case/item-type/{kind}")).to_string(),
                uri: self.uris.item_type(kind),
            }),
            license_uri: None,
            last_change_date_time: self.changed.clone(),
            document_uri: None,
            extensions: Some(json!({ "suyang": ext })),
        }
    }

    fn link(&self, id: Uuid, title: String, uri: String, target: &str) -> LinkGenUri {
        LinkGenUri {
            title,
            identifier: id.to_string(),
            uri,
            target_type: Some(target.into()),
        }
    }

    fn associate(&mut self, kind: &str, origin: LinkGenUri, destination: LinkGenUri, seq: usize) {
        let id = derived_id(&format!(
            "case/association/{}/{kind}/{}",
            origin.identifier, destination.identifier
        ));
        self.associations.push(CfAssociation {
            identifier: id.to_string(),
            association_type: kind.into(),
            sequence_number: Some(seq as i64 + 1),
            uri: self.uris.association(id),
            origin,
            destination,
            last_change_date_time: self.changed.clone(),
            document_uri: None,
        });
    }
}

/// The whole framework as a CFPackage.
pub fn package(f: &Framework, uris: &CaseUris, changed: OffsetDateTime) -> CfPackage {
    let mut doc = document(f, uris, changed);
    doc.package_uri = None;
    let lang = f.language.clone();
    let mut ex = Exporter {
        f,
        uris,
        changed: rfc3339(changed),
        items: Vec::new(),
        associations: Vec::new(),
    };
    let doc_link = ex.link(f.id, doc.title.clone(), doc.uri.clone(), "CFDocument");
    for (ai, area) in f.areas.iter().enumerate() {
        let mut item = ex.item(
            area.id,
            AREA_TYPE,
            area.code.clone(),
            &area.name,
            json!({ "name": area.name, "description": area.description }),
        );
        item.notes = non_empty(primary(&area.description, &lang));
        item.list_enumeration = Some((ai + 1).to_string());
        let area_link = ex.link(
            area.id,
            item.full_statement.clone(),
            item.uri.clone(),
            "CFItem",
        );
        ex.items.push(item);
        ex.associate("isChildOf", area_link.clone(), doc_link.clone(), ai);
        for (ci, c) in area.competences.iter().enumerate() {
            let mut item = ex.item(
                c.id,
                COMPETENCE_TYPE,
                c.code.clone(),
                &c.name,
                json!({ "name": c.name, "statement": c.statement, "abilities": c.abilities, "digcomp": c.digcomp }),
            );
            item.abbreviated_statement = non_empty(primary(&c.statement, &lang));
            item.concept_keywords = if c.abilities.is_empty() {
                None
            } else {
                Some(c.abilities.clone())
            };
            item.list_enumeration = Some((ci + 1).to_string());
            let c_link = ex.link(
                c.id,
                item.full_statement.clone(),
                item.uri.clone(),
                "CFItem",
            );
            ex.items.push(item);
            ex.associate("isChildOf", c_link.clone(), area_link.clone(), ci);
            for (li, l) in c.levels.iter().enumerate() {
                let mut item = ex.item(
                    l.id,
                    LEVEL_TYPE,
                    format!("{}.L{}", c.code, l.level.rank()),
                    &l.text,
                    json!({ "level": l.level, "text": l.text }),
                );
                item.list_enumeration = Some(l.level.rank().to_string());
                item.set_level_label(l.level);
                let l_link = ex.link(
                    l.id,
                    format!("{} {}", c.code, l.level.key()),
                    item.uri.clone(),
                    "CFItem",
                );
                ex.items.push(item);
                ex.associate("isChildOf", l_link, c_link.clone(), li);
            }
            for (di, d) in c.digcomp.iter().enumerate() {
                let target = LinkGenUri {
                    title: format!("DigComp 2.2 {d}"),
                    identifier: derived_id(&format!("digcomp-2.2/{d}")).to_string(),
                    uri: format!("{DIGCOMP_URI}#competence-{d}"),
                    target_type: None,
                };
                ex.associate("isRelatedTo", c_link.clone(), target, di);
            }
        }
    }
    let item_types: Vec<Value> = [AREA_TYPE, COMPETENCE_TYPE, LEVEL_TYPE]
        .iter()
        .map(|t| {
            json!({
                "identifier": derived_id(&format!("case/item-type/{t}")).to_string(),
                "uri": uris.item_type(t),
                "title": t,
                "description": t,
                "hierarchyCode": t,
                "lastChangeDateTime": ex.changed,
            })
        })
        .collect();
    let definitions = json!({ "CFItemTypes": item_types });
    CfPackage {
        document: doc,
        items: ex.items,
        associations: ex.associations,
        definitions: Some(definitions),
    }
}

impl CfItem {
    /// Level descriptors carry their level as the abbreviated statement (初级 / 中级 / 高级).
    fn set_level_label(&mut self, level: Level) {
        self.abbreviated_statement = Some(
            match level {
                Level::Basic => "初级",
                Level::Intermediate => "中级",
                Level::Advanced => "高级",
            }
            .into(),
        );
    }
}

/// One item with its document link, as `GET /CFItems/{id}` returns it.
pub fn item(f: &Framework, id: Uuid, uris: &CaseUris, changed: OffsetDateTime) -> Option<CfItem> {
    let pkg = package(f, uris, changed);
    let id = id.to_string();
    let mut item = pkg.items.into_iter().find(|i| i.identifier == id)?;
    item.document_uri = Some(LinkUri {
        title: pkg.document.title,
        identifier: pkg.document.identifier,
        uri: pkg.document.uri,
    });
    Some(item)
}

// ---- import ----

fn uuid_at(path: String, value: &str) -> Result<Uuid, CaseError> {
    Uuid::parse_str(value.trim()).map_err(|_| CaseError::NotUuid {
        path,
        value: value.to_string(),
    })
}

fn date_at(path: String, value: &str) -> Result<(), CaseError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map(|_| ())
        .map_err(|_| CaseError::BadDate {
            path,
            value: value.to_string(),
        })
}

/// The language map in `extensions.suyang.<key>`, or `{language: fallback}`.
fn localized(
    ext: Option<&Value>,
    key: &str,
    language: &str,
    fallback: Option<&str>,
) -> LocalizedText {
    let from_ext = ext
        .and_then(|e| e.get("suyang"))
        .and_then(|s| s.get(key))
        .and_then(|v| serde_json::from_value::<LocalizedText>(v.clone()).ok())
        .filter(|t| !t.is_empty());
    from_ext.unwrap_or_else(|| match fallback {
        Some(s) if !s.trim().is_empty() => LocalizedText::new().with(language, s.trim()),
        _ => LocalizedText::new(),
    })
}

fn ext_strings(ext: Option<&Value>, key: &str) -> Option<Vec<String>> {
    let v = ext?.get("suyang")?.get(key)?;
    serde_json::from_value(v.clone()).ok()
}

/// Parses and checks a CFPackage (JSON bytes, bare or wrapped as `{"CFPackage": …}` the way
/// `GET /CFPackages/{id}` returns it) and rebuilds the framework it describes.
pub fn import(bytes: &[u8]) -> Result<Framework, CaseError> {
    let mut value: Value = serde_json::from_slice(bytes).map_err(|e| CaseError::Shape {
        path: format!("line {} column {}", e.line(), e.column()),
        message: e.to_string(),
    })?;
    if let Some(inner) = value.get_mut("CFPackage").map(Value::take) {
        value = inner;
    }
    let pkg: CfPackage = serde_path_to_error::deserialize(value).map_err(|e| CaseError::Shape {
        path: match e.path().to_string().as_str() {
            "." => "(document)".to_string(),
            p => p.to_string(),
        },
        message: e.into_inner().to_string(),
    })?;
    from_package(&pkg)
}

/// Rebuilds a framework from a parsed package.
pub fn from_package(pkg: &CfPackage) -> Result<Framework, CaseError> {
    let doc = &pkg.document;
    let doc_id = uuid_at("CFDocument.identifier".into(), &doc.identifier)?;
    date_at(
        "CFDocument.lastChangeDateTime".into(),
        &doc.last_change_date_time,
    )?;
    if pkg.items.len() > crate::framework::MAX_ITEMS {
        return Err(CaseError::TooLarge(pkg.items.len()));
    }
    let language = doc
        .language
        .clone()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| "en".into());

    let mut items: HashMap<Uuid, &CfItem> = HashMap::with_capacity(pkg.items.len());
    let mut order: HashMap<Uuid, usize> = HashMap::new();
    for (i, item) in pkg.items.iter().enumerate() {
        let id = uuid_at(format!("CFItems[{i}].identifier"), &item.identifier)?;
        date_at(
            format!("CFItems[{i}].lastChangeDateTime"),
            &item.last_change_date_time,
        )?;
        if items.insert(id, item).is_some() || id == doc_id {
            return Err(CaseError::DuplicateItem(item.identifier.clone()));
        }
        order.insert(id, i);
    }

    // Parent links and sibling order from isChildOf; DigComp links from isRelatedTo/exactMatchOf.
    let mut parent: HashMap<Uuid, (Uuid, i64)> = HashMap::new();
    let mut digcomp_links: HashMap<Uuid, Vec<String>> = HashMap::new();
    for (i, a) in pkg.associations.iter().enumerate() {
        uuid_at(format!("CFAssociations[{i}].identifier"), &a.identifier)?;
        let origin = uuid_at(
            format!("CFAssociations[{i}].originNodeURI.identifier"),
            &a.origin.identifier,
        )?;
        match a.association_type.as_str() {
            "isChildOf" => {
                let dest = uuid_at(
                    format!("CFAssociations[{i}].destinationNodeURI.identifier"),
                    &a.destination.identifier,
                )?;
                for (end, node) in [("origin", origin), ("destination", dest)] {
                    if !items.contains_key(&node) && node != doc_id {
                        return Err(CaseError::DanglingAssociation {
                            index: i,
                            end,
                            identifier: node.to_string(),
                        });
                    }
                }
                let seq = a
                    .sequence_number
                    .unwrap_or(order.get(&origin).copied().unwrap_or(0) as i64);
                if let Some((p, _)) = parent.insert(origin, (dest, seq))
                    && p != dest
                {
                    return Err(CaseError::TwoParents(origin.to_string()));
                }
            }
            "isRelatedTo" | "exactMatchOf" => {
                if let Some(code) = a
                    .destination
                    .uri
                    .strip_prefix(&format!("{DIGCOMP_URI}#competence-"))
                {
                    digcomp_links
                        .entry(origin)
                        .or_default()
                        .push(code.to_string());
                }
            }
            _ => {}
        }
    }

    let children = |of: Uuid| -> Vec<Uuid> {
        let mut kids: Vec<(i64, usize, Uuid)> = parent
            .iter()
            .filter(|(_, (p, _))| *p == of)
            .map(|(c, (_, seq))| (*seq, order.get(c).copied().unwrap_or(0), *c))
            .collect();
        kids.sort();
        kids.into_iter().map(|(_, _, c)| c).collect()
    };
    let is_level = |item: &CfItem| {
        item.item_type
            .as_deref()
            .is_some_and(|t| t.to_lowercase().contains("level"))
    };
    let code_of = |item: &CfItem, fallback: String| {
        item.human_coding_scheme
            .clone()
            .filter(|c| !c.trim().is_empty())
            .unwrap_or(fallback)
    };

    let mut areas = Vec::new();
    for (ai, area_id) in children(doc_id).into_iter().enumerate() {
        let a = items[&area_id];
        let ext = a.extensions.as_ref();
        let area_code = code_of(a, (ai + 1).to_string());
        let mut competences = Vec::new();
        for (ci, comp_id) in children(area_id).into_iter().enumerate() {
            let c = items[&comp_id];
            let cext = c.extensions.as_ref();
            let code = code_of(c, format!("{area_code}.{}", ci + 1));
            let mut levels = Vec::new();
            for (li, level_id) in children(comp_id).into_iter().enumerate() {
                let l = items[&level_id];
                if !children(level_id).is_empty() {
                    return Err(CaseError::TooDeep(l.identifier.clone()));
                }
                if !is_level(l) {
                    continue; // examples and notes below a competence are not levels
                }
                let rank = l
                    .list_enumeration
                    .as_deref()
                    .and_then(|n| n.trim().parse::<u8>().ok())
                    .unwrap_or(li as u8 + 1);
                let level = l
                    .extensions
                    .as_ref()
                    .and_then(|e| {
                        e.get("suyang")?
                            .get("level")?
                            .as_str()
                            .and_then(Level::from_key)
                    })
                    .or_else(|| Level::from_rank(rank))
                    .ok_or_else(|| CaseError::TooDeep(l.identifier.clone()))?;
                levels.push(LevelDescriptor {
                    id: level_id,
                    level,
                    text: localized(
                        l.extensions.as_ref(),
                        "text",
                        &language,
                        Some(&l.full_statement),
                    ),
                });
            }
            levels.sort_by_key(|l| l.level);
            let mut digcomp = ext_strings(cext, "digcomp")
                .or_else(|| digcomp_links.get(&comp_id).cloned())
                .unwrap_or_default();
            digcomp.dedup();
            competences.push(Competence {
                id: comp_id,
                code,
                name: localized(cext, "name", &language, Some(&c.full_statement)),
                statement: localized(
                    cext,
                    "statement",
                    &language,
                    c.abbreviated_statement.as_deref(),
                ),
                abilities: ext_strings(cext, "abilities")
                    .or_else(|| c.concept_keywords.clone())
                    .unwrap_or_default(),
                digcomp,
                levels,
            });
        }
        areas.push(Area {
            id: area_id,
            code: area_code,
            name: localized(ext, "name", &language, Some(&a.full_statement)),
            description: localized(ext, "description", &language, a.notes.as_deref()),
            competences,
        });
    }
    // Items nobody placed in the tree would be silently lost: refuse instead.
    let placed: HashSet<Uuid> = areas
        .iter()
        .flat_map(|a: &Area| {
            std::iter::once(a.id).chain(
                a.competences
                    .iter()
                    .flat_map(|c| std::iter::once(c.id).chain(c.levels.iter().map(|l| l.id))),
            )
        })
        .collect();
    if let Some(stray) = pkg.items.iter().find(|i| {
        Uuid::parse_str(&i.identifier)
            .is_ok_and(|id| !placed.contains(&id) && !parent.contains_key(&id))
    }) {
        return Err(CaseError::Shape {
            path: format!(
                "CFItems[{}]",
                order[&Uuid::parse_str(&stray.identifier).unwrap_or_default()]
            ),
            message: format!(
                "item {} is not connected to the framework by isChildOf",
                stray.identifier
            ),
        });
    }
    let dext = doc.extensions.as_ref();
    let framework = Framework {
        id: doc_id,
        version: doc.version.clone().unwrap_or_else(|| "1".into()),
        language: language.clone(),
        title: localized(dext, "title", &language, Some(&doc.title)),
        description: localized(dext, "description", &language, doc.description.as_deref()),
        publisher: doc.publisher.clone().unwrap_or_else(|| doc.creator.clone()),
        licence: doc.license_uri.as_ref().map(|l| l.uri.clone()),
        areas,
    };
    framework.validate()?;
    Ok(framework)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::builtin_framework;

    fn export() -> (Framework, Vec<u8>) {
        let f = builtin_framework().unwrap();
        let p = package(
            &f,
            &CaseUris::new("http://127.0.0.1:8080"),
            OffsetDateTime::UNIX_EPOCH,
        );
        (f, serde_json::to_vec(&p).unwrap())
    }

    #[test]
    fn builtin_round_trips() {
        let (f, bytes) = export();
        assert_eq!(import(&bytes).unwrap(), f);
        let wrapped = serde_json::to_vec(
            &json!({ "CFPackage": serde_json::from_slice::<Value>(&bytes).unwrap() }),
        )
        .unwrap();
        assert_eq!(import(&wrapped).unwrap(), f);
    }

    #[test]
    fn package_has_case_shape() {
        let (f, bytes) = export();
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["CFDocument"]["caseVersion"], "1.1");
        let n_items = v["CFItems"].as_array().unwrap().len();
        assert_eq!(n_items, 7 + 21 + 63);
        assert!(
            v["CFAssociations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["originNodeURI"]["uri"].is_string())
        );
        let one = item(
            &f,
            f.areas[0].competences[0].id,
            &CaseUris::new("http://x"),
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert!(one.document_uri.is_some());
    }

    #[test]
    fn plain_case_imports_in_its_language() {
        let (_, bytes) = export();
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        v["CFDocument"]["extensions"] = Value::Null;
        for item in v["CFItems"].as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("extensions");
        }
        let f = import(&serde_json::to_vec(&v).unwrap()).unwrap();
        assert_eq!(f.competence_count(), 21);
        let (_, c) = f.competence_by_code("6.3").unwrap();
        assert_eq!(c.name.0.keys().collect::<Vec<_>>(), vec!["zh-CN"]);
        assert!(
            !c.digcomp.is_empty(),
            "DigComp links come from associations"
        );
    }

    #[test]
    fn errors_name_the_place() {
        assert!(matches!(import(b"{"), Err(CaseError::Shape { .. })));
        let e = import(br#"{"CFDocument":{"identifier":"x","uri":"u","creator":"c","title":"t","lastChangeDateTime":"2024-01-01T00:00:00Z"}}"#).unwrap_err();
        assert_eq!(
            e,
            CaseError::NotUuid {
                path: "CFDocument.identifier".into(),
                value: "x".into()
            }
        );
        let e = import(br#"{"CFDocument":{"identifier":"x"}}"#).unwrap_err();
        assert!(e.to_string().contains("CFDocument"), "{e}");
        let (_, bytes) = export();
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        v["CFAssociations"][0]["destinationNodeURI"]["identifier"] = json!(Uuid::nil().to_string());
        assert!(matches!(
            import(&serde_json::to_vec(&v).unwrap()),
            Err(CaseError::DanglingAssociation { .. })
        ));
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        v["CFItems"][3]["identifier"] = v["CFItems"][2]["identifier"].clone();
        assert!(matches!(
            import(&serde_json::to_vec(&v).unwrap()),
            Err(CaseError::DuplicateItem(_))
        ));
        let empty = br#"{"CFDocument":{"identifier":"6c1f4a2e-9b7d-5e08-a3c4-1d2f8e6b7a90","uri":"u","creator":"c","title":"t","lastChangeDateTime":"2024-01-01T00:00:00Z"}}"#;
        assert_eq!(
            import(empty),
            Err(CaseError::Invalid(FrameworkError::NoAreas))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn import_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = import(&bytes);
        }

        #[test]
        fn mutated_packages_never_panic(cut in 0usize..200_000, byte in proptest::prelude::any::<u8>()) {
            let (_, mut bytes) = export();
            let at = cut % bytes.len();
            bytes[at] = byte;
            let _ = import(&bytes);
        }
    }
}
