//! A registration against a scripted Organizations endpoint, which can lose an answer where the
//! sandbox cannot: read again until it is visible, and AccountAlreadyRegistered after a lost
//! answer told apart from a registration that was there before.

use std::sync::Arc;

use centralroot::aws::{ErrorKind, IAM_SERVICE_PRINCIPAL};
use centralroot::types_common::advice::detail;

use crate::support::{MEMBER, aws_at, read_request};

/// One scripted answer: a status and an awsJson body, or no answer at all (a hung response).
type Answer = Option<(u16, &'static str)>;

const ALREADY_REGISTERED: Answer = Some((
    400,
    r#"{"__type":"AccountAlreadyRegisteredException","Message":"The account is already registered."}"#,
));

const INTERNAL_ERROR: Answer = Some((500, r#"{"__type":"ServiceException","Message":"boom"}"#));

const THROTTLED: Answer = Some((
    400,
    r#"{"__type":"TooManyRequestsException","Message":"slow down"}"#,
));

/// An Organizations endpoint that answers each request with the next scripted answer, to stand
/// for an attempt that made its change and lost its answer; the sandbox cannot lose one.
async fn scripted_endpoint(answers: Vec<Answer>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        for answer in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            read_request(&mut socket).await;
            respond(socket, answer).await;
        }
    });
    url
}

/// An Organizations endpoint that answers each operation with the next of its own scripted
/// answers, whatever order concurrent requests arrive in; also returns how many requests of
/// each operation it served.
async fn scripted_by_operation(
    answers: Vec<(&'static str, Answer)>,
) -> (
    String,
    Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
    let counts = served.clone();
    tokio::spawn(async move {
        let mut answers = answers;
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let request = read_request(&mut socket).await;
            let operation = request
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("x-amz-target")
                        .then(|| value.trim().rsplit('.').next().map(str::to_owned))?
                })
                .unwrap_or_default();
            *counts.lock().unwrap().entry(operation.clone()).or_insert(0) += 1;
            let next = answers.iter().position(|(op, _)| *op == operation);
            let answer = next.map(|i| answers.remove(i).1);
            respond(
                socket,
                answer.expect("an answer scripted for the operation"),
            )
            .await;
        }
    });
    (url, served)
}

/// Sends `answer` on `socket` and closes it, or holds it open without one.
async fn respond(mut socket: tokio::net::TcpStream, answer: Answer) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    match answer {
        Some((status, body)) => {
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\n\
                 x-amzn-requestid: r-{status}\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(response.as_bytes()).await.unwrap();
        }
        // Held open without an answer until the client's attempt timeout drops it.
        None => {
            tokio::spawn(async move {
                let mut rest = [0u8; 64];
                while socket.read(&mut rest).await.is_ok_and(|n| n > 0) {}
            });
        }
    }
}

async fn register_after(answers: Vec<Answer>) -> Result<(), centralroot::aws::AwsError> {
    let url = scripted_endpoint(answers).await;
    aws_at(&url)
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .map(drop)
}

const REGISTERED: Answer = Some((200, "{}"));

const NOT_REGISTERED: Answer = Some((
    400,
    r#"{"__type":"AccountNotRegisteredException","Message":"not a delegated administrator"}"#,
));

const NO_SERVICES: Answer = Some((200, r#"{"DelegatedServices":[]}"#));

const IAM_DELEGATED: Answer = Some((
    200,
    r#"{"DelegatedServices":[{"ServicePrincipal":"access-analyzer.amazonaws.com","DelegationEnabledDate":1700000000},{"ServicePrincipal":"iam.amazonaws.com","DelegationEnabledDate":1700000100}]}"#,
));

const MEMBER_ACCOUNT: Answer = Some((
    200,
    r#"{"Account":{"Id":"222222222222","Arn":"arn:aws:organizations::111111111111:account/o-x/222222222222","Email":"member@example.com","Name":"member","Status":"ACTIVE","JoinedMethod":"CREATED","JoinedTimestamp":1600000000}}"#,
));

#[tokio::test]
async fn a_registration_not_visible_yet_is_read_again_until_it_is() {
    let (url, served) = scripted_by_operation(vec![
        ("RegisterDelegatedAdministrator", REGISTERED),
        ("ListDelegatedServicesForAccount", NOT_REGISTERED),
        ("ListDelegatedServicesForAccount", NO_SERVICES),
        ("ListDelegatedServicesForAccount", IAM_DELEGATED),
        ("DescribeAccount", MEMBER_ACCOUNT),
    ])
    .await;
    let aws = aws_at(&url);
    let registration = aws
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    let admin = registration.read().await.unwrap().expect("visible at last");
    assert_eq!(
        admin,
        centralroot::aws::DelegatedAdmin {
            account_id: MEMBER.into(),
            arn: "arn:aws:organizations::111111111111:account/o-x/222222222222".into(),
            email: "member@example.com".into(),
            name: "member".into(),
            status: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined_timestamp: "2020-09-13T12:26:40Z".into(),
            delegation_enabled_date: "2023-11-14T22:15:00Z".into(),
        }
    );
    let served = served.lock().unwrap().clone();
    assert_eq!(served["ListDelegatedServicesForAccount"], 3, "{served:?}");
    assert_eq!(served["DescribeAccount"], 1, "{served:?}");
}

#[tokio::test]
async fn a_registration_never_visible_is_read_five_times_then_left_for_the_refresh() {
    let mut answers = vec![("RegisterDelegatedAdministrator", REGISTERED)];
    answers.extend([("ListDelegatedServicesForAccount", NOT_REGISTERED); 5]);
    answers.push(("DescribeAccount", MEMBER_ACCOUNT));
    let (url, served) = scripted_by_operation(answers).await;
    let aws = aws_at(&url);
    let registration = aws
        .register_delegated_admin(MEMBER, IAM_SERVICE_PRINCIPAL)
        .await
        .unwrap();
    assert_eq!(registration.read().await.unwrap(), None);
    let served = served.lock().unwrap().clone();
    assert_eq!(served["ListDelegatedServicesForAccount"], 5, "{served:?}");
}

#[tokio::test]
async fn already_registered_after_a_lost_answer_is_this_call_s_registration() {
    register_after(vec![INTERNAL_ERROR, ALREADY_REGISTERED])
        .await
        .expect("a 500 may have registered: the retry's conflict is our own registration");
    register_after(vec![None, ALREADY_REGISTERED])
        .await
        .expect("a timed-out attempt may have registered");
}

#[tokio::test]
async fn already_registered_without_a_lost_answer_stays_an_error_with_advice() {
    for answers in [
        vec![ALREADY_REGISTERED],
        vec![THROTTLED, ALREADY_REGISTERED],
    ] {
        let err = register_after(answers.clone()).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::AccountAlreadyRegistered, "{answers:?}");
        assert!(
            detail(&err).contains("terraform import"),
            "{}",
            detail(&err)
        );
    }
}
