fn main() {
    livemeta_web::mount();
}
