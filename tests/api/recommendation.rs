//! `POST /recommendation` end to end: red flags, the seed scenarios, the
//! guideline rules, the modifiers, the routine's limits and bad input.

use axum::http::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn recommend(app: &TestApp, body: Value) -> Value {
    let response = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            body.to_string(),
        )
        .await;
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

fn person(duration: &str, conditions: &[&str], red_flags: &[&str]) -> Value {
    json!({
        "pain": {"duration": duration, "intensity": 4, "areas": ["lower_back"]},
        "conditions": conditions,
        "red_flags": red_flags,
    })
}

fn technique_ids(r: &Value) -> Vec<String> {
    let Some(m) = r["massage"].as_object() else {
        return vec![];
    };
    m["techniques"]
        .as_array()
        .unwrap()
        .iter()
        .chain(m["self_massage"].as_array().unwrap())
        .map(|t| t["technique_id"].as_str().unwrap().to_owned())
        .collect()
}

fn routine_ids(r: &Value) -> Vec<String> {
    r["routine"]["sessions"]
        .as_array()
        .map(|sessions| {
            sessions
                .iter()
                .flat_map(|s| s["items"].as_array().unwrap())
                .map(|i| i["exercise_id"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn slots(r: &Value) -> Vec<String> {
    r["routine"]["sessions"]
        .as_array()
        .map(|s| {
            s.iter()
                .map(|s| s["slot"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn rules(r: &Value) -> Vec<String> {
    r["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn emergency_and_urgent_flags_give_no_plan() {
    let app = TestApp::embedded();
    /// (red flags, conditions, age, expected triage level)
    type Case = (
        &'static [&'static str],
        &'static [&'static str],
        Option<u8>,
        &'static str,
    );
    let cases: [Case; 9] = [
        (&["saddle-numbness"], &[], None, "emergency"),
        (&["bladder-bowel-dysfunction"], &[], None, "emergency"),
        (&["major-trauma"], &[], None, "emergency"),
        (&["progressive-leg-weakness"], &[], None, "urgent"),
        (&["fever-or-infection"], &[], None, "urgent"),
        (&["minor-trauma"], &["osteoporosis"], None, "urgent"),
        (&["minor-trauma"], &[], Some(75), "urgent"),
        (
            &["cancer-history", "unexplained-weight-loss"],
            &[],
            None,
            "urgent",
        ),
        (
            &["bilateral-leg-symptoms", "saddle-numbness"],
            &[],
            None,
            "emergency",
        ),
    ];
    for (flags, conditions, age, level) in cases {
        let mut body = person("acute", conditions, flags);
        if let Some(age) = age {
            body["age"] = json!(age);
        }
        let r = recommend(&app, body).await;
        assert_eq!(
            r["triage"]["level"], level,
            "{flags:?} {conditions:?} {age:?}"
        );
        assert_eq!(r["approach"], "none", "{flags:?}");
        assert!(
            r["massage"].is_null() && r["routine"].is_null(),
            "{flags:?}: no plan"
        );
        assert!(!r["triage"]["message"].as_str().unwrap().is_empty());
        assert!(
            rules(&r)[0].starts_with("red-flag"),
            "red flags are screened first"
        );
    }
}

#[tokio::test]
async fn escalation_names_its_reason() {
    let app = TestApp::embedded();
    let r = recommend(&app, person("acute", &["osteoporosis"], &["minor-trauma"])).await;
    let flag = &r["triage"]["flags"][0];
    assert_eq!(flag["urgency"], "urgent");
    assert!(
        flag["escalated_because"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    let alone = recommend(&app, person("acute", &[], &["minor-trauma"])).await;
    assert_eq!(
        alone["triage"]["level"], "see_clinician",
        "minor trauma alone is not urgent"
    );
}

#[tokio::test]
async fn see_clinician_flags_keep_a_gentle_plan() {
    let app = TestApp::embedded();
    for flag in [
        "night-pain",
        "leg-numbness",
        "inflammatory-morning-stiffness",
    ] {
        let r = recommend(&app, person("subacute", &["chronic-stiffness"], &[flag])).await;
        assert_eq!(r["triage"]["level"], "see_clinician", "{flag}");
        assert_ne!(
            r["approach"], "none",
            "{flag}: a gentle plan is still given"
        );
        assert!(!routine_ids(&r).is_empty(), "{flag}");
        let action = app.get(&format!("/red-flags/{flag}")).await.json()["action"].clone();
        assert_eq!(
            r["triage"]["flags"][0]["action"], action,
            "{flag}: its action is given"
        );
        assert_eq!(
            r.to_string().matches(action.as_str().unwrap()).count(),
            1,
            "{flag}: its action is said once"
        );
        if let Some(m) = r["massage"].as_object() {
            for t in m["techniques"].as_array().unwrap() {
                assert_eq!(
                    t["pressure"], "light",
                    "{flag}: gentle plan means light pressure"
                );
            }
        }
    }
}

#[tokio::test]
async fn under_sixteen_sees_a_clinician() {
    let app = TestApp::embedded();
    let mut body = person("acute", &["muscle-spasm"], &[]);
    body["age"] = json!(14);
    let r = recommend(&app, body).await;
    assert_eq!(r["triage"]["level"], "see_clinician");
    assert_eq!(r["approach"], "none");
    assert!(rules(&r).contains(&"age-band-no-plan".to_owned()));
}

#[tokio::test]
async fn seed_scenarios() {
    let app = TestApp::embedded();
    // Acute spasm: massage first at a pressure the muscle can relax into
    // (hard pressure makes a spasm clamp down, so firm trigger point work
    // is capped away and says why), with gentle movement beside it.
    let r = recommend(&app, person("acute", &["muscle-spasm"], &[])).await;
    assert_eq!(r["approach"], "combined");
    assert!(rules(&r).contains(&"massage-first-with-movement".to_owned()));
    let picks = r["massage"]["techniques"].as_array().unwrap();
    assert!(!picks.is_empty(), "a massage is offered: {}", r["massage"]);
    assert!(
        picks.iter().all(|t| t["pressure"] != "firm"),
        "{}",
        r["massage"]
    );
    assert!(
        r["avoid"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == "trigger-point-therapy"
                && a["because"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("muscle-spasm"))),
        "firm trigger point work is left out because of the spasm"
    );
    for id in routine_ids(&r) {
        let e = app.get(&format!("/exercises/{id}")).await.json();
        assert!(
            e["kind"] == "mobility" || (e["kind"] == "strength" && e["difficulty"] == "beginner"),
            "{id}: gentle movement beside massage, and gentle strength"
        );
    }

    // Poor posture and chronic stiffness: stretching.
    for c in ["poor-posture", "chronic-stiffness"] {
        let r = recommend(&app, person("chronic", &[c], &[])).await;
        assert_eq!(r["approach"], "stretching", "{c}");
        assert!(r["massage"].is_null(), "{c}");
        assert!(!routine_ids(&r).is_empty(), "{c}");
    }

    // Long hours sitting: daytime stretching breaks plus massage every 2-4 weeks.
    let r = recommend(&app, person("chronic", &["prolonged-sitting"], &[])).await;
    assert_eq!(r["approach"], "combined");
    assert!(slots(&r).contains(&"daytime".to_owned()), "{:?}", slots(&r));
    let freq = r["massage"]["techniques"][0]["frequency"].as_str().unwrap();
    assert!(freq.contains("2 to 4 weeks"), "{freq}");

    // Regular exercise: massage for recovery, stretching around workouts.
    let r = recommend(&app, person("subacute", &["regular-exercise"], &[])).await;
    assert_eq!(r["approach"], "combined");
    assert!(
        slots(&r)
            .iter()
            .any(|s| s == "before_exercise" || s == "after_exercise"),
        "{:?}",
        slots(&r)
    );

    // Pregnancy: prenatal massage and pregnancy-safe stretching.
    let r = recommend(&app, person("subacute", &["pregnancy"], &[])).await;
    assert_eq!(r["approach"], "combined");
    assert_eq!(technique_ids(&r), vec!["prenatal-massage".to_owned()]);
    for id in routine_ids(&r) {
        let e = app.get(&format!("/exercises/{id}")).await.json();
        assert_ne!(
            e["pregnancy"]["status"], "avoid",
            "{id} in a pregnancy plan"
        );
    }

    // Sciatica: massage then piriformis, hamstring and hip-rotator stretches; nothing aggressive.
    let r = recommend(&app, person("subacute", &["sciatica"], &[])).await;
    assert_eq!(r["approach"], "combined");
    let ids = routine_ids(&r);
    assert!(
        ids.iter().any(|i| [
            "piriformis-stretch",
            "seated-figure-four",
            "supine-hamstring-stretch",
            "chair-hamstring-stretch"
        ]
        .contains(&i.as_str())),
        "{ids:?}"
    );
    for t in technique_ids(&r) {
        assert!(
            !["deep-tissue-massage", "trigger-point-therapy"].contains(&t.as_str()),
            "aggressive {t} for sciatica"
        );
    }

    // Rehab, older adults and desk workers combine both.
    for c in ["injury-rehab", "older-adult"] {
        let r = recommend(&app, person("chronic", &[c], &[])).await;
        assert_eq!(r["approach"], "combined", "{c}");
    }

    // Stress: relaxation massage.
    let r = recommend(&app, person("acute", &["stress-tension"], &[])).await;
    assert!(
        technique_ids(&r).contains(&"swedish-massage".to_owned()),
        "{:?}",
        technique_ids(&r)
    );
}

#[tokio::test]
async fn massage_is_never_the_whole_plan_for_ongoing_pain() {
    let app = TestApp::embedded();
    for duration in ["subacute", "chronic"] {
        for c in ["muscle-spasm", "stress-tension"] {
            let r = recommend(&app, person(duration, &[c], &[])).await;
            assert_ne!(r["approach"], "massage", "{duration} {c}");
            assert!(
                !routine_ids(&r).is_empty(),
                "{duration} {c}: exercise is part of the package"
            );
            assert!(
                rules(&r).contains(&"nice-1.2.7-massage-with-exercise".to_owned()),
                "{duration} {c}"
            );
        }
    }
}

#[tokio::test]
async fn modifiers_change_the_plan() {
    let app = TestApp::embedded();
    // Light pressure only, no deep tissue or trigger points.
    for modifier in ["osteoporosis", "pain-sensitivity"] {
        let r = recommend(&app, person("acute", &["muscle-spasm", modifier], &[])).await;
        for t in r["massage"]["techniques"].as_array().into_iter().flatten() {
            assert_eq!(t["pressure"], "light", "{modifier}");
        }
        let avoided: Vec<&str> = r["avoid"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert!(
            avoided.contains(&"deep-tissue-massage") && avoided.contains(&"trigger-point-therapy"),
            "{modifier}"
        );
    }
    // Low mood: a caution about lasting relief, and no massage-centred plan.
    let r = recommend(&app, person("acute", &["low-mood", "muscle-spasm"], &[])).await;
    assert_ne!(r["approach"], "massage");
    assert!(
        r["cautions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["from"] == "low-mood")
    );
    // Recent injury: no massage until the acute phase passes.
    let r = recommend(
        &app,
        person("acute", &["recent-injury", "muscle-spasm"], &[]),
    )
    .await;
    assert!(r["massage"].is_null());
    // Active inflammation: no massage.
    let r = recommend(
        &app,
        person("acute", &["muscle-spasm"], &["active-inflammation"]),
    )
    .await;
    assert!(technique_ids(&r).is_empty(), "{:?}", technique_ids(&r));
    // Spinal stenosis: massage is not the main approach.
    let r = recommend(
        &app,
        person("acute", &["spinal-stenosis", "stress-tension"], &[]),
    )
    .await;
    assert_ne!(r["approach"], "massage");
    // Massage access.
    let mut body = person("acute", &["muscle-spasm"], &[]);
    body["preferences"] = json!({"massage_access": "none"});
    let r = recommend(&app, body).await;
    assert!(r["massage"].is_null());
    assert_eq!(r["approach"], "stretching");
    let mut body = person("chronic", &["prolonged-sitting"], &[]);
    body["preferences"] =
        json!({"massage_access": "self", "equipment": ["massage_ball", "foam_roller"]});
    let r = recommend(&app, body).await;
    assert_eq!(
        r["massage"]["techniques"],
        json!([]),
        "self access: no therapist"
    );
    assert!(!r["massage"]["self_massage"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn not_recommended_techniques_and_medicines_never_appear() {
    let app = TestApp::embedded();
    for c in [
        "muscle-spasm",
        "chronic-stiffness",
        "sciatica",
        "spinal-stenosis",
        "non-specific-low-back-pain",
    ] {
        let r = recommend(&app, person("chronic", &[c], &[])).await;
        let picked: Vec<String> = technique_ids(&r)
            .into_iter()
            .chain(
                r["adjuncts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["technique_id"].as_str().unwrap().to_owned()),
            )
            .collect();
        for banned in ["tens", "lumbar-support-belt", "traction"] {
            assert!(
                !picked.contains(&banned.to_owned()),
                "{c}: {banned} recommended"
            );
        }
        let text = r.to_string().to_lowercase();
        for medicine in [
            "ibuprofen",
            "paracetamol",
            "painkiller",
            "opioid",
            "naproxen",
        ] {
            assert!(!text.contains(medicine), "{c}: mentions {medicine}");
        }
    }
}

#[tokio::test]
async fn the_routine_fits_time_equipment_and_positions() {
    let app = TestApp::embedded();
    let floor = ["supine", "prone", "kneeling", "seated_floor", "side_lying"];
    for minutes in [5, 10, 20, 45] {
        let body = json!({
            "pain": {"duration": "chronic", "intensity": 3, "areas": ["lower_back", "hips"]},
            "conditions": ["prolonged-sitting", "older-adult"],
            "preferences": {"minutes_per_day": minutes, "equipment": ["chair"], "lacks": ["wall", "towel"], "avoid_positions": floor}
        });
        let r = recommend(&app, body).await;
        let total = r["routine"]["total_minutes"].as_u64().unwrap();
        assert!(total <= minutes, "{total} > {minutes}");
        let ids = routine_ids(&r);
        assert!(!ids.is_empty(), "{minutes} min: at least one item");
        let summed: u64 = r["routine"]["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["items"].as_array().unwrap())
            .map(|i| i["minutes"].as_u64().unwrap())
            .sum();
        assert_eq!(summed, total);
        for id in ids {
            let e = app.get(&format!("/exercises/{id}")).await.json();
            assert!(
                !floor.contains(&e["position"].as_str().unwrap()),
                "{id} is on the floor"
            );
            for q in e["equipment"].as_array().unwrap() {
                assert!(q == "none" || q == "chair", "{id} needs {q}");
            }
        }
    }
}

#[tokio::test]
async fn the_same_request_gives_the_same_bytes() {
    let app = TestApp::embedded();
    let a = json!({"pain": {"duration": "chronic", "intensity": 5, "areas": ["hips", "lower_back"]},
        "conditions": ["sciatica", "prolonged-sitting"], "red_flags": ["night-pain"]});
    let b = json!({"pain": {"duration": "chronic", "intensity": 5, "areas": ["lower_back", "hips"]},
        "conditions": ["prolonged-sitting", "sciatica"], "red_flags": ["night-pain"]});
    let first = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            a.to_string(),
        )
        .await;
    let again = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            a.to_string(),
        )
        .await;
    let reordered = app
        .send(
            Method::POST,
            "/recommendation",
            Some("application/json"),
            b.to_string(),
        )
        .await;
    assert_eq!(first.body, again.body);
    assert_eq!(
        first.body, reordered.body,
        "list order in the request does not change the answer"
    );
}

#[tokio::test]
async fn every_decision_cites_existing_catalog_entries_and_sources() {
    let app = TestApp::embedded();
    let r = recommend(
        &app,
        person("chronic", &["sciatica", "pregnancy"], &["night-pain"]),
    )
    .await;
    assert_eq!(r["catalog_version"], app.catalog_version);
    for step in r["explanation"].as_array().unwrap() {
        for source in step["source_ids"].as_array().unwrap() {
            let status = app
                .get(&format!("/sources/{}", source.as_str().unwrap()))
                .await
                .status;
            assert_eq!(status, 200, "{step}");
        }
    }
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_what_is_wrong() {
    let app = TestApp::embedded();
    let post = |ct: Option<&'static str>, body: String| {
        app.send(Method::POST, "/recommendation", ct, body)
    };
    let json = Some("application/json");

    post(json, "{\"pain\":".into()).await.problem(400);
    post(json, "not json".into()).await.problem(400);
    post(json, String::new()).await.problem(400);
    post(Some("text/plain"), person("acute", &[], &[]).to_string())
        .await
        .problem(415);
    post(None, person("acute", &[], &[]).to_string())
        .await
        .problem(415);
    let huge = format!(
        "{{\"pain\": {{\"duration\": \"acute\", \"intensity\": 1, \"areas\": [\"leg\"]}}, \"x\": \"{}\"}}",
        "a".repeat(70_000)
    );
    post(json, huge).await.problem(413);
    let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    post(json, nested).await.problem(400);

    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({}), vec!["pain"]),
        (json!([]), vec!["body"]),
        (
            json!({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "red_flag": ["saddle-numbness"]}),
            vec!["red_flag"],
        ),
        (
            json!({"pain": {"duration": "week", "intensity": 11, "areas": []}}),
            vec!["pain.duration", "pain.intensity", "pain.areas"],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 3.5, "areas": ["knee"]}}),
            vec!["pain.intensity", "pain.areas[0]"],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": "3", "areas": "leg"}}),
            vec!["pain.intensity", "pain.areas"],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "conditions": ["sciatca", "pregnancy"], "red_flags": ["sadle-numbness"]}),
            vec!["conditions[0]", "red_flags[0]"],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "age": 300}),
            vec!["age"],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "age": -1}),
            vec!["age"],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "preferences": {"minutes_per_day": 500, "equipment": ["barbell"], "avoid_positions": ["upside_down"], "massage_access": "sometimes", "goal": "x", "colour": "red"}}),
            vec![
                "preferences.minutes_per_day",
                "preferences.equipment[0]",
                "preferences.avoid_positions[0]",
                "preferences.massage_access",
                "preferences.goal",
                "preferences.colour",
            ],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "start_back": {"leg_pain": true}}),
            vec![
                "start_back.shoulder_or_neck_pain",
                "start_back.bothersomeness",
            ],
        ),
        (
            json!({"pain": {"duration": "acute", "intensity": 1e300, "areas": ["leg"]}}),
            vec!["pain.intensity"],
        ),
    ];
    let whole_float = json!({"pain": {"duration": "acute", "intensity": 3.0, "areas": ["leg"]}});
    recommend(&app, whole_float).await;
    for (body, fields) in cases {
        let problem = post(json, body.to_string()).await.problem(422);
        let named: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for field in &fields {
            assert!(
                named.contains(field),
                "{body}: expected {field} in {named:?}"
            );
        }
    }
    let dup = post(
        json,
        r#"{"pain": {"duration": "acute", "intensity": 3, "areas": ["leg"]}, "pain": {}}"#.into(),
    )
    .await
    .problem(422);
    assert!(dup["detail"].as_str().unwrap().contains("duplicate"));
    // The server keeps serving after all that.
    recommend(&app, person("acute", &[], &[])).await;
}

#[tokio::test]
async fn start_back_is_scored_and_shapes_the_cautions() {
    let app = TestApp::embedded();
    let answers = |yes: usize, bother: &str| {
        let items = [
            "leg_pain",
            "shoulder_or_neck_pain",
            "walked_short_distances_only",
            "dressed_slowly",
            "not_safe_to_be_active",
            "worrying_thoughts",
            "pain_terrible_never_better",
            "no_enjoyment",
        ];
        let mut sb = serde_json::Map::new();
        for (i, item) in items.iter().enumerate() {
            sb.insert((*item).into(), json!(i < yes));
        }
        sb.insert("bothersomeness".into(), json!(bother));
        Value::Object(sb)
    };
    let cases = [
        (2, "slightly", 2, 0, "low"),
        (5, "moderately", 5, 1, "medium"),
        (8, "extremely", 9, 5, "high"),
        (4, "not_at_all", 4, 0, "medium"),
    ];
    for (yes, bother, score, psych, risk) in cases {
        let mut body = person("chronic", &[], &[]);
        body["start_back"] = answers(yes, bother);
        let r = recommend(&app, body).await;
        assert_eq!(r["start_back"]["score"], score, "{yes} {bother}");
        assert_eq!(
            r["start_back"]["psychosocial_score"], psych,
            "{yes} {bother}"
        );
        assert_eq!(r["start_back"]["risk"], risk, "{yes} {bother}");
        let physio = r["cautions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["from"] == "start-back-keele");
        assert_eq!(physio, risk != "low");
    }

    // The tier changes the plan, not only the words (NICE stratified care).
    // Acute pain, quick relief wanted: without STarT Back this is a
    // massage-first plan with no strengthening.
    let mut base = person("acute", &["muscle-spasm", "stress-tension"], &[]);
    base["preferences"] = json!({"minutes_per_day": 20, "goal": "quick_relief"});
    let plain = recommend(&app, base.clone()).await;
    assert!(
        rules(&plain).contains(&"massage-first-with-movement".to_owned()),
        "{plain}"
    );
    for (yes, bother, rule) in [
        (2, "slightly", "start-back-low-self-management"),
        (5, "moderately", "start-back-medium-physiotherapy"),
        (8, "extremely", "start-back-high-psychologically-informed"),
    ] {
        let mut body = base.clone();
        body["start_back"] = answers(yes, bother);
        let r = recommend(&app, body).await;
        assert!(
            rules(&r).iter().any(|x| x == rule),
            "{rule}: {:?}",
            rules(&r)
        );
        if rule == "start-back-low-self-management" {
            assert_eq!(r["approach"], plain["approach"], "low risk keeps the plan");
            continue;
        }
        assert!(
            !rules(&r).contains(&"massage-first-with-movement".to_owned()),
            "{rule}: exercise is part of the plan"
        );
        let mut kinds = Vec::new();
        for id in routine_ids(&r) {
            let e = app.get(&format!("/exercises/{id}")).await.json();
            kinds.push(e["kind"].as_str().unwrap().to_owned());
        }
        assert!(
            kinds.iter().any(|k| k == "strength"),
            "{rule}: physiotherapy-style plans strengthen: {kinds:?}"
        );
        let cautions = r["cautions"].to_string();
        assert_eq!(
            cautions.contains("psychologically informed"),
            rule.contains("high"),
            "{rule}: {cautions}"
        );
    }
}
