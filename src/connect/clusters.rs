//! Several Connect clusters beside one Kafka cluster (one per team, or one per workload): each
//! is asked on its own, at the same time, and each answer is tagged with the cluster's name so
//! that one cluster down does not hide the others.

use std::future::Future;

use super::client::{BasicAuth, ConnectClient, ConnectOptions};
use super::error::ConnectError;
use super::types::{Connector, Plugin, WorkerInfo};

/// A Connect cluster as configured: a name to show and the URL of one of its workers.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectEndpoint {
    /// Empty: named after the URL's `host:port`.
    pub name: String,
    /// May hold `user:password@` (the client takes them out): never shown as it is.
    pub url: String,
    pub auth: Option<BasicAuth>,
}

impl std::fmt::Debug for ConnectEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectEndpoint")
            .field("name", &self.name)
            .field("url", &super::client::mask_url(&self.url))
            .field("auth", &self.auth)
            .finish()
    }
}

/// One cluster's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged<T> {
    pub cluster: String,
    pub url: String,
    pub result: Result<T, ConnectError>,
}

#[derive(Debug, Clone, Default)]
pub struct ConnectClusters {
    clusters: Vec<(String, ConnectClient)>,
}

impl ConnectClusters {
    /// Clients for each endpoint. Fails on a URL that does not parse or a name used twice.
    pub fn new(
        endpoints: &[ConnectEndpoint],
        options: ConnectOptions,
    ) -> Result<ConnectClusters, ConnectError> {
        let mut clusters: Vec<(String, ConnectClient)> = Vec::new();
        for e in endpoints {
            let client = ConnectClient::new(&e.url, e.auth.clone(), options)?;
            let name = if e.name.trim().is_empty() {
                default_name(&client)
            } else {
                e.name.trim().to_string()
            };
            if clusters.iter().any(|(n, _)| *n == name) {
                return Err(ConnectError::Invalid(format!(
                    "two Connect clusters are named {name:?}"
                )));
            }
            clusters.push((name, client));
        }
        Ok(ConnectClusters { clusters })
    }

    /// One cluster per URL (as from `--connect URL,URL`), named after `host:port`.
    pub fn from_urls(
        urls: &[&str],
        auth: Option<BasicAuth>,
        options: ConnectOptions,
    ) -> Result<ConnectClusters, ConnectError> {
        let endpoints: Vec<ConnectEndpoint> = urls
            .iter()
            .map(|u| ConnectEndpoint {
                name: String::new(),
                url: u.to_string(),
                auth: auth.clone(),
            })
            .collect();
        ConnectClusters::new(&endpoints, options)
    }

    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    pub fn names(&self) -> Vec<&str> {
        self.clusters.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The client of the cluster named `name`: where the UI sends an action on a connector.
    pub fn get(&self, name: &str) -> Option<&ConnectClient> {
        self.clusters
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
    }

    /// `f` on every cluster at once, answers in the configured order. Each request has its
    /// own timeouts, so the whole takes as long as the slowest cluster's timeout at most.
    pub async fn each<'a, T, F, Fut>(&'a self, f: F) -> Vec<Tagged<T>>
    where
        F: Fn(&'a ConnectClient) -> Fut,
        Fut: Future<Output = Result<T, ConnectError>> + 'a,
    {
        let results = futures::future::join_all(self.clusters.iter().map(|(_, c)| f(c))).await;
        self.clusters
            .iter()
            .zip(results)
            .map(|((name, client), result)| Tagged {
                cluster: name.clone(),
                url: client.url().to_string(),
                result,
            })
            .collect()
    }

    /// Every cluster's connectors, with their topics if `with_topics`.
    pub async fn connectors(&self, with_topics: bool) -> Vec<Tagged<Vec<Connector>>> {
        self.each(|c| async move {
            if with_topics {
                c.connectors_with_topics().await
            } else {
                c.connectors().await
            }
        })
        .await
    }

    pub async fn worker_infos(&self) -> Vec<Tagged<WorkerInfo>> {
        self.each(|c| c.worker_info()).await
    }

    pub async fn plugins(&self, connectors_only: bool) -> Vec<Tagged<Vec<Plugin>>> {
        self.each(|c| c.plugins(connectors_only)).await
    }
}

fn default_name(client: &ConnectClient) -> String {
    let url = client.url();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.to_string()
}
